/** One token as the `token --format` renderers and `exec` hand it to other tools. */
export interface HandedToken {
  /** Which token this is: the access token, or the ID token (`--id-token`). */
  kind: 'access_token' | 'id_token';
  token: string;
  /** The `Authorization` scheme: `Bearer`, or `DPoP` for a DPoP-bound token (RFC 9449 §7.1). */
  scheme: string;
  /** The token set's `token_type` as stored. */
  tokenType: string;
  /** Epoch seconds; null when unknown. */
  expiresAt: number | null;
  scope: string | null;
}

/** A `token --format` renderer: the whole of stdout, ending in a newline. */
export type TokenRenderer = (token: HandedToken) => string;

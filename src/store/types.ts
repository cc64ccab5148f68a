/**
 * The token store: where token sets and saved client secrets live, one entry per profile.
 * Backends: the OS keychain (keytar), a 0600 file, or nothing. Everything outside src/store
 * sees only this interface, so a backend can be replaced without touching anything else.
 */

/** A stored token set (SPEC "Token store"). Times are epoch seconds. */
export interface TokenSet {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  id_token?: string;
  /** As the server sent it (space- or comma-separated). */
  scope?: string;
  /** Epoch seconds; null when the server gave no `expires_in` (unknown expiry). */
  expires_at?: number | null;
  issuer?: string;
  token_endpoint?: string;
  client_id?: string;
  /** How the client authenticated, so a later refresh can do the same without a profile. */
  client_auth?: string;
  /** For private_key_jwt: the key file's path (never the key), for the same reason. */
  private_key?: string;
  /** Mutual TLS (RFC 8705): the client certificate's and key's paths (never the key), likewise. */
  tls_client_cert?: string;
  tls_client_key?: string;
  /** The grant that obtained the set (`client_credentials`, `authorization_code`, …). */
  grant?: string;
  /** Epoch seconds. */
  obtained_at: number;
  /** A tool that used the access token was told it is not valid (`git-credential erase`): renew it. */
  rejected?: boolean;
  /** token_exchange: the answer's `issued_token_type` (RFC 8693 §2.2.1). */
  issued_token_type?: string;
  /** RFC 9396 §7: the `authorization_details` the token was granted for, as the server sent them. */
  authorization_details?: AuthorizationDetail[];
  /**
   * token_exchange / jwt_bearer: what running the grant again needs, named like the profile fields.
   * Token sources only by a re-readable description (`@FILE`, `env:NAME`, `profile:NAME`,
   * `github-actions`), never a token itself (SPEC "More grants": renewal).
   */
  grant_inputs?: GrantInputs;
  /**
   * RFC 9449: the DPoP key the access token is bound to — its algorithm and private JWK (a
   * secret: kept here, with the tokens, never in config.json, never printed).
   */
  dpop_key?: { alg: string; jwk: Record<string, unknown> };
  /** That key's RFC 7638 thumbprint (the token's `cnf.jkt`). */
  dpop_jkt?: string;
}

/**
 * The inputs of a token_exchange or jwt_bearer grant (SPEC "More grants"), as profile fields and
 * as kept with a token set for renewal. No secret among them: the `*_token` and `assertion` fields
 * hold a token source's description (`@FILE`, `env:NAME`, `profile:NAME`, `github-actions`),
 * never a token (`profile add` refuses a literal one; a token set keeps only re-readable ones).
 */
export interface GrantInputs {
  subject_token?: string;
  subject_token_type?: string;
  /** `audience` of the GitHub Actions ID token. */
  subject_audience?: string;
  actor_token?: string;
  actor_token_type?: string;
  requested_token_type?: string;
  audience?: string;
  /** RFC 8707: one resource indicator, or several. */
  resource?: string | string[];
  assertion?: string;
  /** A self-signed assertion's `sub` (default: the client id). */
  subject?: string;
  /** A self-signed assertion's `aud` (default: the token endpoint). */
  assertion_audience?: string;
  /** Extra claims of a self-signed assertion (`--assertion-claim k=v`). */
  assertion_claims?: Record<string, string>;
  /**
   * RFC 9396 (`--authorization-details`): the array itself, its JSON text, or `@FILE` (read at
   * each use). Kept with a client_credentials or token_exchange set so a renewal asks again.
   */
  authorization_details?: string | AuthorizationDetail[];
}

/** RFC 9396 §2: one authorization detail; `type` says what the rest of its members mean. */
export interface AuthorizationDetail {
  type: string;
  [member: string]: unknown;
}

/** What a narrower token was obtained for (SPEC "Using tokens elsewhere"): its cache key. */
export interface TokenTarget {
  /** Scope values, sorted, without repeats. */
  scope: string[];
  /** RFC 8693 `audience` values, sorted, without repeats. */
  audience: string[];
  /** RFC 8707 `resource` values, sorted, without repeats. */
  resource: string[];
}

/** A token obtained for exactly `target`, kept beside the profile's own set. */
export interface NarrowTokenSet {
  target: TokenTarget;
  tokens: TokenSet;
}

/** What the store keeps for one profile. */
export interface StoreEntry {
  tokens?: TokenSet;
  /** A client secret saved with a profile: it lives here, never in config.json. */
  client_secret?: string;
  /** RFC 7591/7592: what `register` got back to manage the registration later (`--unregister`). */
  registration?: StoredRegistration;
  /** Narrower tokens (per-call `--scope`/`--audience`/`--resource`); never the profile's own set. */
  narrow?: NarrowTokenSet[];
}

export interface StoredRegistration {
  /** The secret that authorizes reading, changing or deleting the registration. */
  access_token?: string;
  /** `registration_client_uri`: the client configuration endpoint. */
  client_uri?: string;
}

export type StoreKind = 'keychain' | 'file' | 'none';
export type StoreChoice = StoreKind | 'auto';

export interface TokenStore {
  readonly kind: StoreKind;
  /** Human description for `token show` and warnings, e.g. "OS keychain" or the file's path. */
  readonly location: string;
  /**
   * Set when `auto` could not use the keychain and keeps tokens in the file instead: the one
   * sentence saying so. The store never prints it; the command that writes a new token set
   * (`login`) does, so reading, renewing and printing stay quiet (SPEC "Token store").
   */
  readonly fallback?: string;
  get(profile: string): Promise<StoreEntry | undefined>;
  /** Replaces the whole entry of `profile`. */
  put(profile: string, entry: StoreEntry): Promise<void>;
  delete(profile: string): Promise<void>;
}

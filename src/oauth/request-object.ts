/**
 * JWT-secured authorization requests (RFC 9101): the authorization request's parameters as the
 * claims of a JWT signed by the client, sent as `request` — in the browser's URL beside
 * `client_id` (§5), or pushed (RFC 9126 §3).
 *
 * Built with jose, loaded only here and only when a request object is made.
 *
 * @see RFC 9101 §4 (request object), §5 (authorization request), §10.8 (`typ`); FAPI 2.0 Message
 *   Signing §5.3 (`nbf`, `exp` at most 60 minutes after it); OIDC Core §6.1 (`claims` as JSON)
 */
import { randomUUID } from 'node:crypto';
import type { AuthorizationParams } from './authorize.js';
import type { LoadedKey } from './keys.js';

/** RFC 9101 §10.8: the JWS `typ` of a request object. */
export const REQUEST_OBJECT_TYPE = 'oauth-authz-req+jwt';

/**
 * How long a request object is valid: long enough for a user who opens a printed URL by hand
 * (`--manual`), well under FAPI's 60 minutes between `nbf` and `exp`.
 */
export const REQUEST_OBJECT_LIFETIME_SECONDS = 600;

/** Parameters whose values are JSON, carried as JSON in the request object (OIDC Core §5.5, RFC 9396 §2). */
const JSON_PARAMETERS = new Set(['claims', 'authorization_details']);

/** The key that signs: the client's private key (its `alg`), or its secret as an HS256 key. */
export type RequestObjectKey = Pick<LoadedKey, 'alg' | 'kid'> & { key: LoadedKey['key'] | Uint8Array };

export interface RequestObjectOptions {
  /** `iss` (RFC 9101 §4: the client id). */
  clientId: string;
  /** `aud` (RFC 9101 §4: the authorization server's issuer identifier). */
  audience: string;
  key: RequestObjectKey;
  /** Epoch milliseconds. */
  now: number;
}

/** RFC 9101 §4 with a client secret: HS256 over the secret's UTF-8 bytes (as `client_secret_jwt` does). */
export function secretRequestObjectKey(secret: string): RequestObjectKey {
  return { alg: 'HS256', key: new TextEncoder().encode(secret) };
}

/**
 * The request object's claims: every authorization parameter (a repeated one as an array, a JSON
 * one as JSON), plus `iss`, `aud`, `iat`, `nbf`, `exp` and a fresh `jti`.
 */
export function requestObjectClaims(params: Readonly<AuthorizationParams>, opts: Omit<RequestObjectOptions, 'key'>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) claims[name] = JSON_PARAMETERS.has(name) && typeof value === 'string' ? jsonOrString(value) : value;
  const iat = Math.floor(opts.now / 1000);
  return {
    ...claims,
    iss: opts.clientId,
    aud: opts.audience,
    iat,
    nbf: iat,
    exp: iat + REQUEST_OBJECT_LIFETIME_SECONDS,
    jti: randomUUID(),
  };
}

/** RFC 9101 §4: the signed request object (`typ: oauth-authz-req+jwt`, the key's `alg` and `kid`). */
export async function signRequestObject(params: Readonly<AuthorizationParams>, opts: RequestObjectOptions): Promise<string> {
  const { SignJWT } = await import('jose');
  const header: { alg: string; typ: string; kid?: string } = { alg: opts.key.alg, typ: REQUEST_OBJECT_TYPE };
  if (opts.key.kid !== undefined) header.kid = opts.key.kid;
  return new SignJWT(requestObjectClaims(params, opts)).setProtectedHeader(header).sign(opts.key.key);
}

function jsonOrString(value: string): unknown {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : value;
  } catch {
    return value;
  }
}

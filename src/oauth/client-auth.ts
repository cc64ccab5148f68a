/**
 * Client authentication at the token (and device, introspection, revocation) endpoints.
 *
 * @see RFC 6749 §2.3.1 (client_secret_basic, client_secret_post), §3.2.1 (client_id for public
 *   clients); RFC 7523 §2.2, §3 (JWT client assertions); OIDC Core §9 (client_secret_jwt,
 *   private_key_jwt); RFC 8705 §2.1 (tls_client_auth, self_signed_tls_client_auth: the TLS
 *   client certificate authenticates, the body names the client)
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { LoadedKey } from './keys.js';

import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from './client-auth-methods.js';

export { CLIENT_AUTH_METHODS, type ClientAuthMethod } from './client-auth-methods.js';

export interface ClientCredentials {
  clientId: string;
  method: ClientAuthMethod;
  clientSecret?: string;
  privateKey?: LoadedKey;
}

/** The request being authenticated; `applyClientAuth` adds to `body` and `headers`. */
export interface ClientAuthRequest {
  /** The endpoint URL: the client assertion's `aud` (RFC 7523 §3 item 3). */
  audience: string;
  body: URLSearchParams;
  /** Header names in lower case, as the HTTP client expects. */
  headers: Record<string, string>;
  /** Epoch milliseconds. */
  now: () => number;
}

/** RFC 7521 §4.2 / RFC 7523 §2.2. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Lifetime of a client assertion (RFC 7523 §3 item 4: `exp` is required; keep it short). */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 60;

export function isClientAuthMethod(value: string): value is ClientAuthMethod {
  return (CLIENT_AUTH_METHODS as readonly string[]).includes(value);
}

/** SPEC: `client_secret_basic` when a secret is known, `private_key_jwt` when a key is, else `none`. */
export function defaultClientAuthMethod(has: { secret: boolean; key: boolean }): ClientAuthMethod {
  if (has.secret) return 'client_secret_basic';
  if (has.key) return 'private_key_jwt';
  return 'none';
}

/**
 * Adds the client's authentication to a request: an `Authorization` header, or body parameters.
 *
 * @throws UsageError (`missing_client_secret` / `missing_private_key`) when the method needs a
 *   secret or key that was not given (exit 2).
 */
export async function applyClientAuth(creds: ClientCredentials, req: ClientAuthRequest): Promise<void> {
  switch (creds.method) {
    case 'client_secret_basic': {
      const secret = requireSecret(creds);
      req.headers.authorization = basicAuthorization(creds.clientId, secret);
      return;
    }
    case 'client_secret_post': {
      const secret = requireSecret(creds);
      req.body.set('client_id', creds.clientId);
      req.body.set('client_secret', secret);
      return;
    }
    case 'client_secret_jwt': {
      const secret = requireSecret(creds);
      const assertion = await signClientAssertion(creds.clientId, req.audience, req.now(), {
        alg: 'HS256',
        key: new TextEncoder().encode(secret),
      });
      setAssertion(req.body, creds.clientId, assertion);
      return;
    }
    case 'private_key_jwt': {
      const key = creds.privateKey;
      if (key === undefined) {
        throw new UsageError(`client authentication private_key_jwt needs a private key for client ${creds.clientId}`, {
          code: 'missing_private_key',
          attribute: 'private_key',
        });
      }
      const assertion = await signClientAssertion(creds.clientId, req.audience, req.now(), key);
      setAssertion(req.body, creds.clientId, assertion);
      return;
    }
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
    case 'none':
      req.body.set('client_id', creds.clientId);
      return;
    default: {
      const never: never = creds.method;
      throw new UsageError(`unknown client authentication method ${String(never)}; use one of ${CLIENT_AUTH_METHODS.join(', ')}`, {
        attribute: 'client_auth',
      });
    }
  }
}

/**
 * `Basic base64(urlencode(client_id) ":" urlencode(client_secret))`: RFC 6749 §2.3.1 requires
 * the application/x-www-form-urlencoded encoding (Appendix B) of each part BEFORE Base64, so a
 * `:` in the id, or `%`, `+` and spaces anywhere, survive the server's decoding.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const credentials = `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B): space → `+`. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * A client assertion JWT (RFC 7523 §3): `iss` = `sub` = client_id, `aud` = the endpoint, a
 * unique `jti`, `iat` = now, `exp` = now + 60 s. jose loads lazily, only for this path.
 */
async function signClientAssertion(
  clientId: string,
  audience: string,
  nowMs: number,
  key: { alg: string; key: LoadedKey['key'] | Uint8Array; kid?: string },
): Promise<string> {
  const { SignJWT } = await import('jose');
  const iat = Math.floor(nowMs / 1000);
  const header: { alg: string; kid?: string } = { alg: key.alg };
  if (key.kid !== undefined) header.kid = key.kid;
  return new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + CLIENT_ASSERTION_LIFETIME_SECONDS)
    .sign(key.key);
}

function setAssertion(body: URLSearchParams, clientId: string, assertion: string): void {
  body.set('client_id', clientId);
  body.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
  body.set('client_assertion', assertion);
}

function requireSecret(creds: ClientCredentials): string {
  if (creds.clientSecret !== undefined && creds.clientSecret !== '') return creds.clientSecret;
  throw new UsageError(`client authentication ${creds.method} needs a client secret for client ${creds.clientId}`, {
    code: 'missing_client_secret',
    attribute: 'client_secret',
  });
}

/**
 * What servers say about DPoP (RFC 9449), read without loading any crypto: the nonce challenges
 * of an authorization server (§8) and of a resource server (§9), and an error that asks for DPoP.
 */
import { parseWwwAuthenticate, sameScheme } from './www-authenticate.js';

/**
 * RFC 9449 §8: the authorization server's nonce challenge — a 400 whose `error` is
 * `use_dpop_nonce`, with a `DPoP-Nonce` header.
 */
export function isAuthServerNonceChallenge(status: number, headers: Headers, body: string): boolean {
  if (status !== 400 || !headers.get('dpop-nonce')) return false;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return parsed?.error === 'use_dpop_nonce';
  } catch {
    return false;
  }
}

/**
 * RFC 9449 §9: a resource server's nonce challenge — a 401 whose `WWW-Authenticate` has a
 * `DPoP` challenge with `error="use_dpop_nonce"`, and a `DPoP-Nonce` header.
 */
export function isResourceNonceChallenge(status: number, headers: Headers): boolean {
  if (status !== 401 || !headers.get('dpop-nonce')) return false;
  const challenges = parseWwwAuthenticate(headers.get('www-authenticate') ?? '');
  return challenges.some((c) => sameScheme(c.scheme, 'DPoP') && c.params.error === 'use_dpop_nonce');
}

/**
 * The error a server gives when it wants DPoP and got none (SPEC: `invalid_dpop_proof`, or an
 * `error_description` that names DPoP).
 */
export function demandsDpop(error: string, description: string | undefined): boolean {
  return error === 'invalid_dpop_proof' || /\bdpop\b/i.test(description ?? '');
}

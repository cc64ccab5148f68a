/**
 * Proof Key for Code Exchange, and the other one-time random values of a login.
 *
 * @see RFC 7636 §4.1 (code_verifier), §4.2 (S256 code_challenge), §7.1 (entropy: 32 octets)
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  /** 43 characters of base64url (32 random octets): RFC 7636 §4.1 allows 43–128. */
  verifier: string;
  /** BASE64URL(SHA256(ASCII(verifier))). */
  challenge: string;
  method: 'S256';
}

/** A fresh verifier and its S256 challenge (oauthctl never uses `plain`). */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier), method: 'S256' };
}

/** RFC 7636 §4.2: `code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An opaque `state` value for CSRF protection (RFC 6749 §10.12): 32 random octets, base64url. */
export function randomState(): string {
  return randomBytes(32).toString('base64url');
}

/** An OIDC `nonce` (OIDC Core §3.1.2.1, §15.5.2): 32 random octets, base64url. */
export function randomNonce(): string {
  return randomBytes(32).toString('base64url');
}

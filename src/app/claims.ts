import { decodeToken } from '../jwt/decode.js';
import type { TokenSet } from '../store/types.js';

/** The claims of a JWT (unverified: for display only), or undefined for an opaque token. */
export function claimsOf(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const decoded = decodeToken(token);
    if (decoded.kind === 'jws' && decoded.payloadIsJson && typeof decoded.payload === 'object' && decoded.payload !== null) {
      return decoded.payload as Record<string, unknown>;
    }
  } catch {
    // Opaque token.
  }
  return undefined;
}

/**
 * Who a token set is for, as a person would name them: the ID token's `preferred_username`,
 * `email` or `sub`, else the same claims of a JWT access token, else the username the password
 * grant was given. Unverified claims: for display only.
 */
export function bestSubject(tokens: { id_token?: string; access_token: string }, username?: string): string | undefined {
  for (const claims of [claimsOf(tokens.id_token), claimsOf(tokens.access_token)]) {
    const name = [claims?.preferred_username, claims?.email, claims?.sub].find((v): v is string => typeof v === 'string' && v !== '');
    if (name !== undefined) return name;
  }
  return username === '' ? undefined : username;
}

/** `sub` of the ID token, else of a JWT access token (unverified: for display only). */
export function subjectOf(tokens: Pick<TokenSet, 'id_token' | 'access_token'>): string | undefined {
  const sub = (claimsOf(tokens.id_token) ?? claimsOf(tokens.access_token))?.sub;
  return typeof sub === 'string' ? sub : undefined;
}

import { decodeToken } from '../jwt/decode.js';

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

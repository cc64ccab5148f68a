import { UsageError } from '../errors.js';

export type DecodedToken =
  | { kind: 'jws'; header: Record<string, unknown>; payload: unknown; payloadIsJson: boolean; signature: string }
  | { kind: 'jwe'; header: Record<string, unknown> };

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Splits a compact JWS (RFC 7515 §7.1, three parts) or JWE (RFC 7516 §7.1, five parts) and
 * decodes what can be read without keys. Nothing is verified. Malformed input is a UsageError
 * (exit 2) with one line saying what is wrong.
 */
export function decodeToken(input: string): DecodedToken {
  const token = input.trim().replace(/^Bearer\s+/i, '');
  if (!token) throw new UsageError('no token given', { code: 'malformed_jwt' });
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 5) {
    throw new UsageError(`not a JWT: expected 3 parts (JWS) or 5 (JWE) separated by dots, got ${parts.length}`, {
      code: 'malformed_jwt',
    });
  }
  parts.forEach((part, i) => {
    if (!B64URL.test(part)) throw new UsageError(`not a JWT: part ${i + 1} is not base64url`, { code: 'malformed_jwt' });
  });
  const header = decodeJsonObject(parts[0] as string, 'header');
  if (parts.length === 5) return { kind: 'jwe', header };
  const payloadText = base64urlText(parts[1] as string, 'payload');
  let payload: unknown = payloadText;
  let payloadIsJson = false;
  try {
    payload = JSON.parse(payloadText);
    payloadIsJson = true;
  } catch {
    // A JWS may carry any payload; show it as text.
  }
  return { kind: 'jws', header, payload, payloadIsJson, signature: parts[2] as string };
}

function base64urlText(part: string, what: string): string {
  if (part.length % 4 === 1) throw new UsageError(`not a JWT: the ${what} is not valid base64url`, { code: 'malformed_jwt' });
  const bytes = Buffer.from(part, 'base64url');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text;
}

function decodeJsonObject(part: string, what: string): Record<string, unknown> {
  if (!part) throw new UsageError(`not a JWT: the ${what} is empty`, { code: 'malformed_jwt' });
  let value: unknown;
  try {
    value = JSON.parse(base64urlText(part, what));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`not a JWT: the ${what} is not JSON`, { code: 'malformed_jwt' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`not a JWT: the ${what} is not a JSON object`, { code: 'malformed_jwt' });
  }
  return value as Record<string, unknown>;
}

/** Registered claims that are NumericDates (RFC 7519 §2, §4.1; OIDC `auth_time`). */
export const TIME_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time'] as const;

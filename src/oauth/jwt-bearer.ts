/**
 * The JWT bearer authorization grant: a signed assertion is exchanged for an access token.
 * Building a self-signed assertion is here (jose); reading the key file is the caller's.
 *
 * @see RFC 7523 §2.1 (the grant), §3 (the assertion's claims); RFC 7521 §4.1
 */
import { randomUUID } from 'node:crypto';
import type { LoadedKey } from './keys.js';

/** RFC 7523 §2.1 `grant_type`. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A self-signed assertion lives five minutes (SPEC "More grants"). */
export const ASSERTION_LIFETIME_SECONDS = 300;

export interface AssertionClaims {
  /** `iss` (RFC 7523 §3 item 1): the client id. */
  issuer: string;
  /** `sub` (item 2): the client id, or the principal it acts for. */
  subject: string;
  /** `aud` (item 3): the token endpoint, or what the server names. */
  audience: string;
  /** Extra claims (`scope`, …); they never replace iss, sub, aud, iat, exp or jti. */
  extra?: Record<string, string>;
}

const RESERVED = new Set(['iss', 'sub', 'aud', 'iat', 'exp', 'jti']);

/**
 * Signs a fresh assertion: `iat` now, `exp` five minutes later, a new `jti` each call (item 7:
 * the server may refuse a replayed one), `kid` when the key has one.
 */
export async function signAssertion(claims: AssertionClaims, key: LoadedKey, nowMs: number): Promise<string> {
  const { SignJWT } = await import('jose');
  const iat = Math.floor(nowMs / 1000);
  const extra = Object.fromEntries(Object.entries(claims.extra ?? {}).filter(([k]) => !RESERVED.has(k)));
  const header: { alg: string; typ: string; kid?: string } = { alg: key.alg, typ: 'JWT' };
  if (key.kid !== undefined) header.kid = key.kid;
  return new SignJWT(extra)
    .setProtectedHeader(header)
    .setIssuer(claims.issuer)
    .setSubject(claims.subject)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(key.key);
}

/** RFC 7523 §2.1: the form parameters of the grant. */
export function jwtBearerParams(p: { assertion: string; scope?: string; audience?: string; resource?: string | readonly string[] }) {
  return { grant_type: JWT_BEARER_GRANT_TYPE, assertion: p.assertion, scope: p.scope, audience: p.audience, resource: p.resource };
}


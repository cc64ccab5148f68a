import type { KeyObject } from 'node:crypto';
import type { JWTPayload, JWTVerifyOptions } from 'jose';
import { duration } from '../duration.js';
import { InvalidTokenError, OauthctlError, UsageError } from '../errors.js';
import { toJson } from '../json.js';
import { oneLine } from '../sanitize.js';
import { decodeToken } from './decode.js';
import { DEFAULT_ID_TOKEN_ALGORITHMS, verifySignature, type JoseKey } from './id-token.js';
import type { JwksSource } from './jwks.js';

/** Where the verification key comes from. */
export type VerificationKey =
  | { kind: 'jwks'; jwks: JwksSource }
  | { kind: 'public'; key: KeyObject | JwksSource['getKey']; source: string }
  | { kind: 'secret'; secret: Uint8Array };

export interface VerifyOptions {
  key: VerificationKey;
  issuer?: string;
  audience?: string;
  /** Seconds of tolerance for `exp` and `nbf` (default 60). */
  clockSkewSeconds?: number;
  /** Accepted `alg` values. Default: the asymmetric algorithms, or HS256/384/512 with a secret. */
  algorithms?: readonly string[];
  /** Epoch milliseconds. */
  now: () => number;
}

export interface VerifyResult {
  valid: boolean;
  reason?: string;
  header: Record<string, unknown>;
  payload: unknown;
}

export const HMAC_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const DEFAULT_SKEW = 60;

/**
 * `verify`: jose's `jwtVerify` checks the signature (RFC 7515 §5.2) and the claims (RFC 7519
 * §7.2): `exp`/`nbf` with clock skew, `iss`, `aud`. Before jose sees the token, two named checks
 * refuse what a JWT may never be: `checkAlgorithm` (never `alg: none`, never an HMAC token with a
 * public key — algorithm confusion —, the allowlist) and `checkUnencodedPayload` (RFC 7797 `b64:
 * false`). An unknown `kid` makes the JWKS source fetch once more. A token that is not valid is
 * `{ valid: false, reason }` (exit 7); a token that is not a JWS at all is a UsageError (exit 2).
 */
export async function verifyJwt(token: string, opts: VerifyOptions): Promise<VerifyResult> {
  const decoded = decodeToken(token);
  if (decoded.kind === 'jwe') throw new UsageError('this is an encrypted token (JWE): it cannot be verified without decrypting it', { code: 'malformed_jwt' });
  const { header, payload } = decoded;
  const invalid = (reason: string): VerifyResult => ({ valid: false, reason, header, payload });

  const reason = checkAlgorithm(header.alg, opts) ?? checkUnencodedPayload(header);
  if (reason) return invalid(reason);
  if (!decoded.payloadIsJson || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return invalid('the payload is not a JSON claims set');
  }

  const alg = header.alg as string;
  const jose = await import('jose');
  const options: JWTVerifyOptions = {
    algorithms: [alg],
    currentDate: new Date(opts.now()),
    clockTolerance: opts.clockSkewSeconds ?? DEFAULT_SKEW,
    ...(opts.issuer !== undefined ? { issuer: opts.issuer } : {}),
    ...(opts.audience !== undefined ? { audience: opts.audience } : {}),
  };
  try {
    await verifySignature(token.trim().replace(/^Bearer\s+/i, ''), joseKey(opts.key), options, jose.jwtVerify);
  } catch (err) {
    return invalid(reasonFor(err, alg, opts));
  }
  return { valid: true, header, payload };
}

/** `alg: none` never; HMAC only with a secret; an asymmetric alg never with a secret; the allowlist. */
export function checkAlgorithm(alg: unknown, opts: Pick<VerifyOptions, 'key' | 'algorithms'>): string | undefined {
  if (typeof alg !== 'string' || alg === '') return 'the header has no "alg"';
  if (alg.toLowerCase() === 'none') return 'alg "none" (an unsigned token) is never accepted';
  const shown = oneLine(alg, 40); // untrusted: it is quoted in the reason
  const isHmac = HMAC_ALGORITHMS.includes(alg);
  if (isHmac && opts.key.kind !== 'secret') {
    return `algorithm confusion: ${shown} is an HMAC algorithm and cannot be verified with a public key (give --secret-stdin)`;
  }
  if (!isHmac && opts.key.kind === 'secret') return `${shown} needs a public key, not a shared secret (give --key or --jwks-uri)`;
  const allowed = opts.algorithms ?? (opts.key.kind === 'secret' ? HMAC_ALGORITHMS : DEFAULT_ID_TOKEN_ALGORITHMS);
  if (!allowed.includes(alg)) return `algorithm ${shown} is not allowed (want ${allowed.join(', ')})`;
  return undefined;
}

/**
 * RFC 7797 §7: a JWT never uses the unencoded payload option. A header saying `b64: false` is
 * refused whether or not it lists `b64` in `crit` (jose would otherwise ignore the unlisted one).
 */
export function checkUnencodedPayload(header: Record<string, unknown>): string | undefined {
  if (header.b64 === undefined || header.b64 === true) return undefined;
  return 'unencoded payload (b64: false, RFC 7797) is never accepted in a JWT';
}

function joseKey(key: VerificationKey): JoseKey {
  if (key.kind === 'jwks') return key.jwks.getKey;
  if (key.kind === 'secret') return key.secret;
  return key.key;
}

/** jose's error → the one-line reason; our own errors (a JWKS that cannot be fetched) pass through. */
function reasonFor(err: unknown, alg: string, opts: VerifyOptions): string {
  if (err instanceof OauthctlError) throw err;
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature invalid';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return "signature invalid: no key in the JWKS matches the token's kid/alg";
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'signature invalid: several keys match and none verifies';
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return `algorithm ${oneLine(alg, 40)} is not supported with this key`;
    case 'ERR_JWS_INVALID':
      return 'malformed signature';
    case 'ERR_JWT_INVALID':
      return 'the payload is not a JSON claims set';
    case 'ERR_JWT_EXPIRED':
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claimReason(err as { claim?: string; reason?: string; payload?: JWTPayload }, opts);
  }
  if (err instanceof TypeError) return `the key does not fit ${oneLine(alg, 40)}: ${oneLine(err.message, 120)}`;
  throw err;
}

/** RFC 7519 §4.1.4/§4.1.5 with skew, §4.1.1 iss, §4.1.3 aud: what jose found, in our words. */
function claimReason(err: { claim?: string; reason?: string; payload?: JWTPayload }, opts: VerifyOptions): string {
  const { claim, reason } = err;
  const claims = err.payload ?? {};
  const now = Math.floor(opts.now() / 1000);
  if (reason === 'invalid') return `"${claim}" is not a number`;
  if (claim === 'exp' && typeof claims.exp === 'number') return `expired ${duration(now - claims.exp)} ago`;
  if (claim === 'nbf' && typeof claims.nbf === 'number') return `not valid yet (nbf is ${duration(claims.nbf - now)} ahead)`;
  if (claim === 'iss') return `issuer mismatch: got ${shownClaim(claims.iss)}, want ${JSON.stringify(opts.issuer)}`;
  if (claim === 'aud') return `audience mismatch: got ${shownClaim(claims.aud)}, want ${JSON.stringify(opts.audience)}`;
  return `claim ${oneLine(String(claim), 40)} is not valid`;
}

/** A claim's value as JSON, one line, capped (it is untrusted). */
function shownClaim(value: unknown): string {
  return value === undefined ? 'null' : oneLine(toJson(value), 200);
}

/** Throws the exit-7 error for a result that is not valid. */
export function assertValid(result: VerifyResult): void {
  if (!result.valid) throw new InvalidTokenError('invalid_token', `token is not valid: ${result.reason}`);
}

import type { KeyObject } from 'node:crypto';
import { duration } from '../duration.js';
import { InvalidTokenError, UsageError } from '../errors.js';
import { decodeToken } from './decode.js';
import { DEFAULT_ID_TOKEN_ALGORITHMS } from './id-token.js';
import type { JwksSource } from './jwks.js';

/** Where the verification key comes from. */
export type VerificationKey =
  | { kind: 'jwks'; jwks: JwksSource }
  | { kind: 'public'; key: KeyObject | ((header: { alg?: string; kid?: string }) => Promise<unknown>); source: string }
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
 * `verify`: signature (RFC 7515 §5.2) and claims (RFC 7519 §7.2): `exp`/`nbf` with clock skew,
 * `iss`, `aud`. Never accepts `alg: none`; never verifies an HMAC token with a public key
 * (algorithm confusion); an unknown `kid` makes the JWKS source fetch once more. A token that is
 * not valid is `{ valid: false, reason }`; a token that is not a JWS at all is a UsageError.
 */
export async function verifyJwt(token: string, opts: VerifyOptions): Promise<VerifyResult> {
  const decoded = decodeToken(token);
  if (decoded.kind === 'jwe') throw new UsageError('this is an encrypted token (JWE): it cannot be verified without decrypting it', { code: 'malformed_jwt' });
  const { header, payload } = decoded;
  const invalid = (reason: string): VerifyResult => ({ valid: false, reason, header, payload });

  const alg = header.alg;
  const algReason = checkAlgorithm(alg, opts);
  if (algReason) return invalid(algReason);
  if (!decoded.payloadIsJson || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return invalid('the payload is not a JSON claims set');
  }

  const signatureReason = await checkSignature(token.trim().replace(/^Bearer\s+/i, ''), alg as string, opts.key);
  if (signatureReason) return invalid(signatureReason);

  const claimsReason = checkClaims(payload as Record<string, unknown>, opts);
  if (claimsReason) return invalid(claimsReason);
  return { valid: true, header, payload };
}

/** `alg: none` never; HMAC only with a secret; an asymmetric alg never with a secret; the allowlist. */
export function checkAlgorithm(alg: unknown, opts: Pick<VerifyOptions, 'key' | 'algorithms'>): string | undefined {
  if (typeof alg !== 'string' || alg === '') return 'the header has no "alg"';
  if (alg.toLowerCase() === 'none') return 'alg "none" (an unsigned token) is never accepted';
  const isHmac = HMAC_ALGORITHMS.includes(alg);
  if (isHmac && opts.key.kind !== 'secret') {
    return `algorithm confusion: ${alg} is an HMAC algorithm and cannot be verified with a public key (give --secret-stdin)`;
  }
  if (!isHmac && opts.key.kind === 'secret') return `${alg} needs a public key, not a shared secret (give --key or --jwks-uri)`;
  const allowed = opts.algorithms ?? (opts.key.kind === 'secret' ? HMAC_ALGORITHMS : DEFAULT_ID_TOKEN_ALGORITHMS);
  if (!allowed.includes(alg)) return `algorithm ${alg} is not allowed (want ${allowed.join(', ')})`;
  return undefined;
}

async function checkSignature(token: string, alg: string, key: VerificationKey): Promise<string | undefined> {
  const jose = await import('jose');
  try {
    if (key.kind === 'jwks') await jose.compactVerify(token, key.jwks.getKey, { algorithms: [alg] });
    else if (key.kind === 'secret') await jose.compactVerify(token, key.secret, { algorithms: [alg] });
    else await jose.compactVerify(token, key.key as Parameters<typeof jose.compactVerify>[1], { algorithms: [alg] });
    return undefined;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'signature invalid';
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') return 'signature invalid: no key in the JWKS matches the token\'s kid/alg';
    if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') return 'signature invalid: several keys match and none verifies';
    if (code === 'ERR_JOSE_NOT_SUPPORTED' || code === 'ERR_JOSE_ALG_NOT_ALLOWED') return `algorithm ${alg} is not supported with this key`;
    if (code === 'ERR_JWS_INVALID') return 'malformed signature';
    if (err instanceof TypeError) return `the key does not fit ${alg}: ${err.message}`;
    throw err;
  }
}

/** RFC 7519 §4.1.4/§4.1.5 with skew, §4.1.1 iss, §4.1.3 aud. */
export function checkClaims(claims: Record<string, unknown>, opts: Pick<VerifyOptions, 'issuer' | 'audience' | 'clockSkewSeconds' | 'now'>): string | undefined {
  const now = Math.floor(opts.now() / 1000);
  const skew = opts.clockSkewSeconds ?? DEFAULT_SKEW;
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    if (claims[name] !== undefined && (typeof claims[name] !== 'number' || !Number.isFinite(claims[name]))) return `"${name}" is not a number`;
  }
  const exp = claims.exp as number | undefined;
  if (exp !== undefined && now - skew >= exp) return `expired ${duration(now - exp)} ago`;
  const nbf = claims.nbf as number | undefined;
  if (nbf !== undefined && now + skew < nbf) return `not valid yet (nbf is ${duration(nbf - now)} ahead)`;
  if (opts.issuer !== undefined && claims.iss !== opts.issuer) {
    return `issuer mismatch: got ${JSON.stringify(claims.iss ?? null)}, want ${JSON.stringify(opts.issuer)}`;
  }
  if (opts.audience !== undefined) {
    const aud = claims.aud;
    const list = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
    if (!list.includes(opts.audience)) return `audience mismatch: got ${JSON.stringify(aud ?? null)}, want ${JSON.stringify(opts.audience)}`;
  }
  return undefined;
}

/** Throws the exit-7 error for a result that is not valid. */
export function assertValid(result: VerifyResult): void {
  if (!result.valid) throw new InvalidTokenError('invalid_token', `token is not valid: ${result.reason}`);
}

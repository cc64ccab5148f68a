/**
 * ID token validation for the authorization code flow.
 *
 * The signature is verified with jose against the issuer's JWKS (`alg: none` and shared-secret
 * MACs are never accepted), then each claim passes a named check: `checkIdTokenIssuer`,
 * `checkIdTokenSubject`, `checkIdTokenAudience`, `checkIdTokenExpiry`, `checkIdTokenNonce`.
 * A failure is a ProtocolError with one code per check (`id_token_nonce_mismatch`, …), a
 * structured cause `{ check, attribute, expected, actual }`, and a message that says exactly
 * why (`ID token rejected: nonce mismatch`) and never quotes the token.
 *
 * Pure: time comes from `now()`, keys from the injected JwksSource.
 *
 * @see OpenID Connect Core 1.0 §3.1.3.7 (ID Token Validation), §2 (ID Token claims)
 */
import type { KeyObject } from 'node:crypto';
import type { JWSHeaderParameters, JWTPayload, JWTVerifyOptions, CryptoKey } from 'jose';
import { duration } from '../duration.js';
import { OauthctlError, ProtocolError, type CheckCause, type ProtocolCode } from '../errors.js';
import { oneLine, quoted } from '../sanitize.js';
import type { JwksSource } from './jwks.js';

/** The claims of a validated ID token (OIDC Core §2); other claims are kept as sent. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  azp?: string;
  auth_time?: number;
  [claim: string]: unknown;
}

export interface IdTokenExpectations {
  /** The issuer the client talks to (the discovery document's `issuer`). */
  issuer: string;
  /** Our client_id: must be an audience. */
  clientId: string;
  /** The nonce sent in the authorization request, when one was. */
  nonce?: string;
  /** Where the signing keys come from. */
  jwks: JwksSource;
  /** Epoch milliseconds. */
  now: () => number;
  /** Tolerance for `exp`, `nbf` and `iat`, seconds. Default 60. */
  clockSkewSeconds?: number;
  /**
   * Accepted `alg` values. Default: `DEFAULT_ID_TOKEN_ALGORITHMS`. `none` and HMAC algorithms
   * (`HS256`, …) are rejected even when listed: a JWKS holds no shared secret.
   */
  algorithms?: string[];
}

/** The asymmetric JWS algorithms accepted by default (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864). */
export const DEFAULT_ID_TOKEN_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
]);

/** Default clock tolerance, seconds. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;


/**
 * Validates an ID token and returns its claims.
 *
 * Order (OIDC Core §3.1.3.7): the algorithm (`checkIdTokenAlgorithm`), the signature against the
 * JWKS (with one JWKS refetch when the `kid` is unknown) and jose's `exp`/`nbf` checks, then
 * `iss`, `sub`, `aud`/`azp`, `exp`/`iat`, `nonce`.
 *
 * @throws ProtocolError `id_token_…` (exit 4) saying why the token was rejected.
 * @throws TransportError / ProtocolError when the JWKS cannot be fetched or is not a JWK Set (exit 4).
 */
export async function validateIdToken(idToken: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  const skew = expected.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const nowMs = expected.now();
  const allowed = (expected.algorithms ?? DEFAULT_ID_TOKEN_ALGORITHMS).filter((alg) => !isForbiddenAlgorithm(alg));

  const jose = await import('jose');
  const header = readHeader(idToken, jose.decodeProtectedHeader);
  checkIdTokenAlgorithm(header, allowed);

  const options: JWTVerifyOptions = {
    algorithms: allowed,
    currentDate: new Date(nowMs),
    clockTolerance: skew,
  };
  let payload: JWTPayload;
  try {
    payload = await verifySignature(idToken, expected.jwks.getKey, options, jose.jwtVerify);
  } catch (err) {
    throw translateJoseError(err, header, expected.jwks, nowMs);
  }

  const nowSeconds = Math.floor(nowMs / 1000);
  checkIdTokenIssuer(payload, expected.issuer);
  checkIdTokenSubject(payload);
  checkIdTokenAudience(payload, expected.clientId);
  checkIdTokenExpiry(payload, nowSeconds, skew);
  checkIdTokenNonce(payload, expected.nonce);
  return payload as IdTokenClaims;
}

/**
 * `alg` must be an accepted asymmetric algorithm: never `none` (an unsigned token) and never an
 * HMAC (`HS256`, …), which a public JWKS cannot verify (OIDC Core §3.1.3.7 items 6–8).
 */
export function checkIdTokenAlgorithm(header: JWSHeaderParameters, allowed: readonly string[]): void {
  const alg = header.alg;
  if (typeof alg !== 'string' || alg === '') reject('no alg in the header', { check: 'checkIdTokenAlgorithm' });
  if (alg.toLowerCase() === 'none') {
    reject('alg "none" (an unsigned token) is never accepted', { check: 'checkIdTokenAlgorithm', actual: 'none' });
  }
  if (/^HS\d+$/i.test(alg)) {
    reject(`alg ${quote(alg)} (a shared-secret MAC) is not accepted; want one of ${allowed.join(', ')}`, {
      check: 'checkIdTokenAlgorithm',
      actual: alg,
      expected: allowed,
    });
  }
  if (!allowed.includes(alg)) {
    reject(`alg ${quote(alg)} is not allowed; want one of ${allowed.join(', ')}`, {
      check: 'checkIdTokenAlgorithm',
      actual: alg,
      expected: allowed,
    });
  }
}

/** `iss` must exactly equal the issuer (OIDC Core §3.1.3.7 item 2). */
export function checkIdTokenIssuer(claims: JWTPayload, issuer: string): void {
  if (claims.iss === issuer) return;
  const got = typeof claims.iss === 'string' ? quote(claims.iss) : 'none';
  reject(`issuer mismatch: got ${got}, want ${quote(issuer)}`, {
    check: 'checkIdTokenIssuer',
    attribute: 'iss',
    expected: issuer,
    actual: claims.iss,
  }, 'the token comes from another issuer: check --issuer (or the profile\'s issuer)');
}

/** `sub` is REQUIRED: a non-empty string (OIDC Core §2). */
export function checkIdTokenSubject(claims: JWTPayload): void {
  if (typeof claims.sub === 'string' && claims.sub !== '') return;
  reject('no sub claim', { check: 'checkIdTokenSubject', attribute: 'sub' });
}

/**
 * `aud` must contain the client_id; with several audiences, `azp` must be present; when `azp`
 * is present it must be the client_id (OIDC Core §3.1.3.7 items 3–5).
 */
export function checkIdTokenAudience(claims: JWTPayload, clientId: string): void {
  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (!audiences.includes(clientId)) {
    const got = aud === undefined ? 'none' : typeof aud === 'string' ? quote(aud) : `[${audiences.map(quote).join(', ')}]`;
    reject(`audience mismatch: got ${got}, want ${quote(clientId)}`, {
      check: 'checkIdTokenAudience',
      attribute: 'aud',
      expected: clientId,
      actual: aud,
    }, 'the token was issued to another client: check --client-id');
  }
  const azp = claims.azp;
  if (audiences.length > 1 && azp === undefined) {
    reject(`several audiences (${audiences.length}) and no azp claim naming ${quote(clientId)}`, {
      check: 'checkIdTokenAudience',
      attribute: 'azp',
      expected: clientId,
    });
  }
  if (azp !== undefined && azp !== clientId) {
    const got = typeof azp === 'string' ? quote(azp) : 'not a string';
    reject(`authorized party mismatch: azp is ${got}, want ${quote(clientId)}`, {
      check: 'checkIdTokenAudience',
      attribute: 'azp',
      expected: clientId,
      actual: azp,
    });
  }
}

/**
 * `exp` and `iat` are REQUIRED numbers; `exp` must be in the future and `iat` not in the future,
 * each within `skewSeconds` (OIDC Core §3.1.3.7 items 9–10).
 */
export function checkIdTokenExpiry(claims: JWTPayload, nowSeconds: number, skewSeconds: number): void {
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    reject(exp === undefined ? 'no exp claim' : 'exp is not a number', { check: 'checkIdTokenExpiry', attribute: 'exp' });
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    reject(iat === undefined ? 'no iat claim' : 'iat is not a number', { check: 'checkIdTokenExpiry', attribute: 'iat' });
  }
  if (exp <= nowSeconds - skewSeconds) {
    reject(`expired ${duration(nowSeconds - exp)} ago`, { check: 'checkIdTokenExpiry', attribute: 'exp', expected: nowSeconds, actual: exp }, CLOCK_HINT);
  }
  if (iat > nowSeconds + skewSeconds) {
    reject(`issued in the future (iat is ${duration(iat - nowSeconds)} ahead)`, {
      check: 'checkIdTokenExpiry',
      attribute: 'iat',
      expected: nowSeconds,
      actual: iat,
    }, CLOCK_HINT);
  }
}

/**
 * A refreshed ID token must name the same subject as the one it renews (OIDC Core §12.2: "its
 * sub Claim Value MUST be the same as in the ID Token issued when the original authentication
 * occurred"). Neither value is shown.
 */
export function checkIdTokenSubjectUnchanged(claims: JWTPayload, originalSub: string | undefined): void {
  if (originalSub === undefined || claims.sub === originalSub) return;
  reject('the refreshed ID token names another subject (sub) than the original', {
    check: 'checkIdTokenSubjectUnchanged',
    attribute: 'sub',
  }, 'log in again: `oauthctl login`');
}

/**
 * When a nonce was sent, the `nonce` claim must equal it. A nonce claim we did not ask for is
 * ignored (OIDC Core §3.1.3.7 item 11).
 */
export function checkIdTokenNonce(claims: JWTPayload, nonce: string | undefined): void {
  if (nonce === undefined) return;
  if (claims.nonce === undefined) {
    reject('nonce missing (the authorization request sent one)', { check: 'checkIdTokenNonce', attribute: 'nonce' });
  }
  if (claims.nonce !== nonce) {
    // Neither value is shown: a nonce ties the token to one login.
    reject('nonce mismatch', { check: 'checkIdTokenNonce', attribute: 'nonce' }, 'the ID token belongs to another login: try again');
  }
}

// ---------------------------------------------------------------------------------------------

const CLOCK_HINT = "check this computer's clock";

type Jose = typeof import('jose');

/** The stable code of each check's rejection. */
const CHECK_CODES: Readonly<Record<string, ProtocolCode>> = {
  validateIdToken: 'id_token_malformed',
  checkIdTokenAlgorithm: 'id_token_alg_not_allowed',
  signature: 'id_token_signature_invalid',
  checkIdTokenIssuer: 'id_token_issuer_mismatch',
  checkIdTokenSubject: 'id_token_missing_sub',
  checkIdTokenSubjectUnchanged: 'id_token_sub_changed',
  checkIdTokenAudience: 'id_token_audience_mismatch',
  checkIdTokenExpiry: 'id_token_timestamp_invalid',
  checkIdTokenNonce: 'id_token_nonce_mismatch',
};

function codeFor(cause: CheckCause): ProtocolCode {
  if (cause.check === 'checkIdTokenExpiry' && cause.attribute === 'exp' && typeof cause.actual === 'number') return 'id_token_expired';
  return CHECK_CODES[cause.check] ?? 'id_token_malformed';
}

function rejection(reason: string, cause: CheckCause, hint?: string): ProtocolError {
  return new ProtocolError(codeFor(cause), `ID token rejected: ${reason}`, cause, hint === undefined ? {} : { hint });
}

function reject(reason: string, cause: CheckCause, hint?: string): never {
  throw rejection(reason, cause, hint);
}

function readHeader(idToken: string, decodeProtectedHeader: Jose['decodeProtectedHeader']): JWSHeaderParameters {
  if (typeof idToken !== 'string' || idToken === '') reject('empty', { check: 'validateIdToken' });
  const parts = idToken.split('.').length;
  if (parts === 5) reject('encrypted (JWE) ID tokens are not supported', { check: 'validateIdToken' });
  if (parts !== 3) reject(`malformed: not a signed JWT (${parts} parts, want 3)`, { check: 'validateIdToken' });
  try {
    return decodeProtectedHeader(idToken) as JWSHeaderParameters;
  } catch {
    return reject('malformed: the header is not base64url JSON', { check: 'validateIdToken' });
  }
}

/** What jose's `jwtVerify` takes as a key: a key, a shared secret, or a resolver (a JWKS). */
export type JoseKey = JwksSource['getKey'] | CryptoKey | KeyObject | Uint8Array;

/**
 * jose's `jwtVerify` (signature, then the claims `options` ask for). When a resolver finds several
 * matching keys (no `kid`), each is tried in turn, as jose's `ERR_JWKS_MULTIPLE_MATCHING_KEYS`
 * invites. Shared by ID-token validation and `verify`.
 */
export async function verifySignature(
  idToken: string,
  key: JoseKey,
  options: JWTVerifyOptions,
  jwtVerify: Jose['jwtVerify'],
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(idToken, key as JwksSource['getKey'], options)).payload;
  } catch (err) {
    if (codeOf(err) !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS' || !isAsyncIterable(err)) throw err;
    for await (const key of err as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(idToken, key, options)).payload;
      } catch (inner) {
        if (codeOf(inner) !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw inner;
      }
    }
    throw Object.assign(new Error('signature verification failed'), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  }
}

/** jose's errors → one-line reasons; our own errors (TransportError from the JWKS) pass through. */
function translateJoseError(err: unknown, header: JWSHeaderParameters, jwks: JwksSource, nowMs: number): Error {
  if (err instanceof OauthctlError) return err;
  const code = codeOf(err);
  const alg = typeof header.alg === 'string' ? header.alg : '?';
  const make = rejection;
  const signatureHint = `the token was not signed by a key published at ${jwks.uri}`;
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return make('signature invalid', { check: 'signature' }, signatureHint);
    case 'ERR_JWKS_NO_MATCHING_KEY': {
      const kid = typeof header.kid === 'string' ? `kid ${quote(header.kid)} and ` : '';
      return make(`signature invalid: no key in the JWKS at ${jwks.uri} matches ${kid}alg ${quote(alg)}`, {
        check: 'signature',
        attribute: 'kid',
        actual: header.kid,
      }, signatureHint);
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return make(`alg ${quote(alg)} is not allowed`, { check: 'checkIdTokenAlgorithm', actual: alg });
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWK_INVALID':
    case 'ERR_JWKS_INVALID':
      return make(`cannot verify the signature: ${joseMessage(err)}`, { check: 'signature' }, signatureHint);
    case 'ERR_JWT_EXPIRED':
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claimError(err, nowMs);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return make(`malformed: ${joseMessage(err)}`, { check: 'validateIdToken' });
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}

function claimError(err: unknown, nowMs: number): ProtocolError {
  const make = rejection;
  const { claim, reason, payload } = err as { claim?: string; reason?: string; payload?: JWTPayload };
  const nowSeconds = Math.floor(nowMs / 1000);
  const value = claim === undefined ? undefined : payload?.[claim];
  if (reason === 'invalid' && claim !== undefined) {
    return make(`${claim} is not a number`, { check: 'checkIdTokenExpiry', attribute: claim });
  }
  if (claim === 'exp' && typeof value === 'number') {
    return make(`expired ${duration(nowSeconds - value)} ago`, { check: 'checkIdTokenExpiry', attribute: 'exp', expected: nowSeconds, actual: value }, CLOCK_HINT);
  }
  if (claim === 'nbf' && typeof value === 'number') {
    return make(`not valid yet (nbf is ${duration(value - nowSeconds)} ahead)`, { check: 'checkIdTokenExpiry', attribute: 'nbf', expected: nowSeconds, actual: value }, CLOCK_HINT);
  }
  return make(`claim check failed: ${joseMessage(err)}`, { check: 'checkIdTokenExpiry', ...(claim === undefined ? {} : { attribute: claim }) });
}

function isForbiddenAlgorithm(alg: string): boolean {
  return alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg);
}

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function isAsyncIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** jose's messages are fixed strings that never quote the token; capped to one short line. */
function joseMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return oneLine(message, 120);
}


/** A claim value from the token, quoted, one line, capped (it is untrusted input). */
function quote(value: string): string {
  return quoted(value, 100);
}


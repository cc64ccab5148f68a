/**
 * Validating what an authorization server answers at its token endpoint: the token response
 * (RFC 6749 §5.1) after the shared reader (./response.ts) has read the body and any OAuth error.
 *
 * Pure: no clock, no I/O. Tolerated deviations from the RFCs (SPEC "Interoperability") are
 * reported through `warn` (always shown) or `note` (shown under `-v`), never silently.
 * Messages never quote a body, so no token, code or secret can leak through them.
 *
 * @see RFC 6749 §5.1 (successful response), §5.2 (error response)
 */
import type { HttpResponse } from '../http/types.js';
import {
  assertSuccessStatus,
  describeEndpoint,
  protocolError,
  readOAuthBody,
  throwIfOAuthError,
  type OAuthResponseContext,
} from './response.js';
import { oneLine, quoted } from '../sanitize.js';
import { authorizationDetailsProblem, type AuthorizationDetail } from './rar.js';

export type { OAuthResponseContext } from './response.js';

/** A validated token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  /** As sent (`bearer`, `Bearer`, …), or `Bearer` when the server sent none. */
  token_type: string;
  /** Seconds; `null` = unknown expiry (missing or unusable `expires_in`). */
  expires_in: number | null;
  refresh_token?: string;
  id_token?: string;
  /** Raw, as sent: space- or comma-separated. */
  scope?: string;
  /** RFC 9396 §7: the authorization details the token was granted for. */
  authorization_details?: AuthorizationDetail[];
  /** The whole parsed body (holds secrets: never print it unredacted). */
  raw: Record<string, unknown>;
}

/** token_type values accepted besides `Bearer` (RFC 8693 §2.2.1: `N_A` for token exchange). */
const OTHER_ACCEPTED_TOKEN_TYPES = new Set(['n_a']);

/**
 * Validates a token endpoint response and returns the token set.
 *
 * Checks, in order: the body is a JSON object (or a form, or JSON under an odd label)
 * (`readOAuthBody`); no `error` member whatever the status (`throwIfOAuthError`); a 2xx status
 * (`assertSuccessStatus`); a string `access_token` (`checkAccessToken`); a Bearer-compatible
 * `token_type` (`checkTokenType`); an `expires_in` within bounds (`checkExpiresIn`);
 * `authorization_details`, when present, an array of objects with a `type`
 * (`checkAuthorizationDetails`); then reads `scope`, `refresh_token`, `id_token` leniently.
 *
 * @throws OAuthError when the server answered with an OAuth `error` (exit 3).
 * @throws ProtocolError when the answer is not a token response (exit 4): the reader's codes,
 *   `response_status_unexpected`, `token_response_missing_access_token`,
 *   `token_response_unsupported_token_type`, `token_response_invalid_expires_in`,
 *   `token_response_invalid_authorization_details`.
 * @see RFC 6749 §5.1, §5.2; RFC 6750 §4 (token_type Bearer); RFC 9396 §7
 */
export function processTokenResponse(res: HttpResponse, ctx: OAuthResponseContext): TokenResponse {
  const body = readOAuthBody(res, ctx);
  throwIfOAuthError(body, res, ctx);
  assertSuccessStatus(res, ctx);

  const result: TokenResponse = {
    access_token: checkAccessToken(body, res, ctx),
    token_type: checkTokenType(body, res, ctx),
    expires_in: checkExpiresIn(body, res, ctx),
    raw: body,
  };
  const details = checkAuthorizationDetails(body, res, ctx);
  if (details !== undefined) result.authorization_details = details;
  const scope = readScope(body, ctx);
  if (scope !== undefined) result.scope = scope;
  const refreshToken = readOptionalToken(body, 'refresh_token', ctx);
  if (refreshToken !== undefined) result.refresh_token = refreshToken;
  const idToken = readOptionalToken(body, 'id_token', ctx);
  if (idToken !== undefined) result.id_token = idToken;
  return result;
}

/** RFC 6749 §5.1: `access_token` REQUIRED, a string. */
function checkAccessToken(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): string {
  const value = body.access_token;
  if (typeof value === 'string' && value !== '') return value;
  const what = value === undefined ? 'no access_token' : 'an access_token that is not a non-empty string';
  throw protocolError('token_response_missing_access_token', `${what} in the token response from ${describeEndpoint(ctx)}`, {
    check: 'checkAccessToken',
    attribute: 'access_token',
    expected: 'a non-empty string',
    actual: value === undefined ? undefined : typeof value,
  }, res, ctx);
}

/**
 * RFC 6749 §5.1 / §7.1: `token_type` REQUIRED and case-insensitive. Missing → `Bearer` with a
 * warning (tolerated); `Bearer` in any case and `N_A` (RFC 8693) are kept as sent; anything
 * else (`mac`, `DPoP` we did not ask for) cannot be used by oauthctl; `DPoP` after a proof
 * (RFC 9449 §5) is kept as `DPoP`.
 */
function checkTokenType(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): string {
  const value = body.token_type;
  if (value === undefined || value === null || value === '') {
    ctx.warn('token response has no token_type; assuming Bearer');
    return 'Bearer';
  }
  const cause = { check: 'checkTokenType', attribute: 'token_type', expected: 'Bearer' };
  if (typeof value !== 'string') {
    throw protocolError('token_response_unsupported_token_type', `${describeEndpoint(ctx)} sent a token_type that is not a string`, { ...cause, actual: typeof value }, res, ctx);
  }
  const lower = value.toLowerCase();
  if (lower === 'bearer' || OTHER_ACCEPTED_TOKEN_TYPES.has(lower)) {
    if (ctx.dpop && lower === 'bearer') ctx.note?.(`${describeEndpoint(ctx)} answered a DPoP token request with a Bearer token (RFC 9449 §5 allows it)`);
    return value;
  }
  // RFC 9449 §5: a DPoP-bound token, when we sent a proof.
  if (lower === 'dpop' && ctx.dpop) return 'DPoP';
  const shown = oneLine(value, 40);
  throw protocolError('token_response_unsupported_token_type', `unsupported token_type ${quoted(value, 40)} from ${describeEndpoint(ctx)} (oauthctl uses Bearer tokens)`, { ...cause, actual: shown }, res, ctx);
}

/** The longest `expires_in` believed: ten years (SPEC "Safety": numbers from servers). */
export const MAX_EXPIRES_IN_SECONDS = 10 * 365.25 * 24 * 3600;

/**
 * RFC 6749 §5.1: `expires_in` RECOMMENDED, seconds; a numeric string is tolerated, another type
 * is warned about and read as "unknown expiry". A number that is negative, not finite or beyond
 * ten years is refused (SPEC "Safety"): nothing is stored from such an answer.
 *
 * @throws ProtocolError `token_response_invalid_expires_in`.
 */
function checkExpiresIn(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): number | null {
  const value = body.expires_in;
  if (value === undefined || value === null) return null;
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    ctx.note?.('token response has expires_in as a string; read it as a number');
    seconds = Number(value);
  } else {
    ctx.warn(`token response has an unusable expires_in (${describeScalar(value)}); treating the expiry as unknown`);
    return null;
  }
  if (Number.isFinite(seconds) && seconds >= 0 && seconds <= MAX_EXPIRES_IN_SECONDS) return seconds;
  const why = !Number.isFinite(seconds) ? 'not a finite number' : seconds < 0 ? 'negative' : 'beyond 10 years';
  throw protocolError('token_response_invalid_expires_in', `token response from ${describeEndpoint(ctx)} has an expires_in that is ${why} (${describeScalar(value)})`, {
    check: 'checkExpiresIn',
    attribute: 'expires_in',
    expected: `0..${MAX_EXPIRES_IN_SECONDS}`,
    actual: seconds,
  }, res, ctx);
}

/**
 * RFC 9396 §7: `authorization_details`, when the server sends it, is an array of objects, each
 * with a string `type` (§2). Anything else is not what the RFC says (exit 4, nothing stored): the
 * details are kept and shown later, so a wrong shape is refused here rather than half shown.
 *
 * @throws ProtocolError `token_response_invalid_authorization_details`.
 */
function checkAuthorizationDetails(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): AuthorizationDetail[] | undefined {
  const value = body.authorization_details;
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.length === 0) {
    ctx.note?.('token response has an empty authorization_details array; read it as none');
    return undefined;
  }
  const problem = authorizationDetailsProblem(value);
  if (problem === undefined) return value as AuthorizationDetail[];
  throw protocolError('token_response_invalid_authorization_details', `in the token response from ${describeEndpoint(ctx)}, authorization_details ${problem}`, {
    check: 'checkAuthorizationDetails',
    attribute: 'authorization_details',
    expected: 'an array of objects with a string type (RFC 9396 §7)',
    actual: problem,
  }, res, ctx);
}

/** RFC 6749 §3.3 / §5.1: `scope` kept raw (space- or comma-separated); an array is joined. */
function readScope(body: Record<string, unknown>, ctx: OAuthResponseContext): string | undefined {
  const value = body.scope;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) {
    ctx.note?.('token response has scope as a JSON array; joined it with spaces');
    return value.join(' ');
  }
  ctx.warn('token response has a scope that is not a string; ignored it');
  return undefined;
}

/** `refresh_token` / `id_token`: kept only when a non-empty string. */
function readOptionalToken(body: Record<string, unknown>, name: 'refresh_token' | 'id_token', ctx: OAuthResponseContext): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  ctx.warn(`token response has a ${name} that is not a string; ignored it`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------

/** A short, secret-free description of an unexpected scalar (expires_in is not a secret). */
function describeScalar(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return oneLine(String(value), 24);
  if (typeof value === 'string') return quoted(value, 20);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

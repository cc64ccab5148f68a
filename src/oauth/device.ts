/**
 * The device authorization grant: ask for a device code and a user code, then poll the token
 * endpoint while the user approves on another device.
 *
 * Pure: time comes from `now()`, waiting from the injected `sleep`, I/O from the HttpClient.
 * Tolerated deviations (SPEC "Interoperability") are reported through `warn` / `note`.
 * Messages never quote the device code.
 *
 * @see RFC 8628 §3.1–3.2 (device authorization request and response), §3.4–3.5 (polling)
 */
import { duration } from '../duration.js';
import { OAuthError, TransportError } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { exchange, type AuthServer, type FormParams } from './pipeline.js';
import { assertSuccessStatus, describeEndpoint, protocolError, readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './response.js';
import { tokenRequest } from './token-request.js';
import type { TokenResponse } from './token-response.js';

/** A validated device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  /** Secret: never print it. */
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  /** Seconds the device code lives. */
  expires_in: number;
  /** Seconds between polls. */
  interval: number;
  /** The whole parsed body (holds the device code: never print it unredacted). */
  raw: Record<string, unknown>;
}

/** RFC 8628 §3.4: `grant_type` of the polling request. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default." */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;

/** RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds, for good. */
export const SLOW_DOWN_INCREMENT_SECONDS = 5;

/**
 * The device code lifetime assumed when the server sends no usable `expires_in` (REQUIRED by
 * RFC 8628 §3.2): polling must stop some time.
 */
export const FALLBACK_DEVICE_CODE_LIFETIME_SECONDS = 600;

/** SPEC "Safety": the polling interval is taken as at least 1 s … */
export const MIN_POLL_INTERVAL_SECONDS = 1;
/** … and at most 5 minutes (a larger one would also overflow Node's timers). */
export const MAX_POLL_INTERVAL_SECONDS = 300;
/** SPEC "Safety": a device code is believed to live at most 30 minutes. */
export const MAX_DEVICE_CODE_LIFETIME_SECONDS = 1800;

/** The interval actually used: within [1 s, 5 min]. */
export function boundInterval(seconds: number): number {
  if (!Number.isFinite(seconds)) return DEFAULT_POLL_INTERVAL_SECONDS;
  return Math.min(MAX_POLL_INTERVAL_SECONDS, Math.max(MIN_POLL_INTERVAL_SECONDS, seconds));
}

/** The device code lifetime actually believed: at most 30 min. */
export function boundLifetime(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return FALLBACK_DEVICE_CODE_LIFETIME_SECONDS;
  return Math.min(MAX_DEVICE_CODE_LIFETIME_SECONDS, seconds);
}

export interface DeviceAuthorizationRequestParams {
  scope?: string;
  /** More form parameters (`audience`, `resource`, …); `undefined` values are left out. */
  extra?: FormParams;
}

/**
 * POSTs the device authorization request (`client_id` or client authentication, `scope`, extra
 * parameters) through the pipeline, and validates the answer.
 *
 * @throws UsageError when the client's secret or key is missing (exit 2); OAuthError for an
 *   OAuth `error` answer (exit 3); ProtocolError for answers that are not a device authorization
 *   response and TransportError for network failures (exit 4).
 * @see RFC 8628 §3.1
 */
export async function deviceAuthorizationRequest(as: AuthServer, p: DeviceAuthorizationRequestParams = {}): Promise<DeviceAuthorization> {
  return exchange(as, { endpoint: 'device_authorization_endpoint', params: { scope: p.scope, ...p.extra } }, processDeviceAuthorizationResponse);
}

/**
 * Validates a device authorization response.
 *
 * Checks, in order: a JSON object (`readOAuthBody`); no `error` member whatever the status
 * (`throwIfOAuthError`); a 2xx status; string `device_code` and `user_code`; an http(s)
 * `verification_uri` (`verification_url` accepted, as Google sends, with a note); then reads
 * `verification_uri_complete`, `expires_in` (a numeric string tolerated; at most 30 min) and
 * `interval` (default 5; within 1 s and 5 min) leniently, warning about values out of bounds.
 *
 * @throws OAuthError when the server answered with an OAuth `error` (exit 3).
 * @throws ProtocolError `device_response_missing_device_code`, `device_response_missing_user_code`,
 *   `device_response_missing_verification_uri`, `device_response_invalid_verification_uri`, and
 *   the reader's codes (exit 4).
 * @see RFC 8628 §3.2, §3.3
 */
export function processDeviceAuthorizationResponse(res: HttpResponse, ctx: OAuthResponseContext): DeviceAuthorization {
  const c: OAuthResponseContext = {
    ...ctx,
    name: ctx.name ?? 'device authorization endpoint',
    operation: ctx.operation ?? 'device authorization request',
  };
  const body = readOAuthBody(res, c);
  throwIfOAuthError(body, res, c);
  assertSuccessStatus(res, c);
  const where = describeEndpoint(c);

  const result: DeviceAuthorization = {
    device_code: requireString(body, 'device_code', res, c),
    user_code: requireString(body, 'user_code', res, c),
    verification_uri: readVerificationUri(body, res, c, where),
    expires_in: readExpiresIn(body, c),
    interval: readInterval(body, c),
    raw: body,
  };
  const complete = readVerificationUriComplete(body, c);
  if (complete !== undefined) result.verification_uri_complete = complete;
  return result;
}

export interface PollDeviceTokenParams {
  /** The `device_code` from the device authorization response. */
  deviceCode: string;
  /** Seconds between polls (the response's `interval`); taken within 1 s and 5 min. */
  interval: number;
  /** Seconds the device code lives (the response's `expires_in`); at most 30 min. */
  expiresIn: number;
  /** `--timeout` when given: the whole wait ends then too. */
  timeoutSeconds?: number;
  /** Waits `ms`; should reject with `signal.reason` when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborting stops the polling; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Called after each `authorization_pending` answer with the seconds left before expiry. */
  onPending?: (secondsLeft: number) => void;
}

/**
 * Polls the token endpoint until the user approves: waits `interval` seconds before each poll,
 * goes on while the answer is `authorization_pending` (whatever its HTTP status, 400 or 428),
 * adds 5 seconds to the interval on `slow_down` (never beyond 5 min), and stops on any other
 * answer. The deadline is the moment the first call was made plus `expiresIn` (at most 30 min),
 * or plus `timeoutSeconds` when that comes first: however the server answers, the wait ends
 * (SPEC "Safety").
 *
 * @returns the token response once the user approved.
 * @throws OAuthError `access_denied` (the user said no), `expired_token` (the server's), or any
 *   other OAuth error (exit 3); TransportError `device_code_expired` when the device code's
 *   lifetime has passed, `timeout` when `timeoutSeconds` has, and network failures (exit 4);
 *   ProtocolError for non-protocol answers (exit 4); `signal.reason` when aborted.
 * @see RFC 8628 §3.4, §3.5
 */
export async function pollDeviceToken(as: AuthServer, p: PollDeviceTokenParams): Promise<TokenResponse> {
  const lifetime = boundLifetime(p.expiresIn);
  const timeout = p.timeoutSeconds !== undefined && p.timeoutSeconds > 0 && p.timeoutSeconds < lifetime ? p.timeoutSeconds : undefined;
  const deadline = as.now() + (timeout ?? lifetime) * 1000;
  const expired = () => (timeout === undefined ? deviceCodeExpired(lifetime) : approvalTimedOut(timeout));
  let interval = boundInterval(p.interval > 0 ? p.interval : DEFAULT_POLL_INTERVAL_SECONDS);

  for (;;) {
    p.signal?.throwIfAborted();
    const remaining = deadline - as.now();
    if (remaining <= 0) throw expired();
    await sleepUnlessAborted(p.sleep, Math.min(interval * 1000, remaining), p.signal);
    if (as.now() >= deadline) throw expired();

    try {
      return await tokenRequest(as, { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: p.deviceCode });
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      switch (err.error) {
        case 'authorization_pending':
          p.onPending?.(Math.max(0, Math.ceil((deadline - as.now()) / 1000)));
          continue;
        case 'slow_down':
          interval = boundInterval(interval + SLOW_DOWN_INCREMENT_SECONDS);
          as.note?.(`token endpoint asked to slow down (slow_down); polling every ${interval}s`);
          continue;
        case 'access_denied':
          throw retell(err, 'device login denied by the user');
        case 'expired_token':
          throw retell(err, 'device code expired before the user approved', RETRY_HINT);
        default:
          throw err;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

const RETRY_HINT = 'run `oauthctl login --grant device_code` again and approve sooner';

/** Our own deadline has passed (RFC 8628 §3.5: the device code is then useless). */
function deviceCodeExpired(expiresIn: number): TransportError {
  return new TransportError('device_code_expired', `device code expired: the user did not approve within ${duration(expiresIn)}`, {
    hint: RETRY_HINT,
  });
}

/** `--timeout` has passed before the user approved. */
function approvalTimedOut(seconds: number): TransportError {
  return new TransportError('timeout', `the user did not approve within ${duration(seconds)} (the timeout)`, {
    hint: 'approve sooner, or raise the timeout',
  });
}

/** The same OAuth error with a message that says what it means for a device login. */
function retell(err: OAuthError, message: string, hint?: string): OAuthError {
  const description = err.errorDescription === undefined ? '' : ` (${err.errorDescription})`;
  return err.retold(`${message}: ${err.error}${description}`, hint ?? err.hint);
}

/** The injected sleep, raced against the signal so an abort ends the wait even if sleep ignores it. */
async function sleepUnlessAborted(
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal === undefined) return sleep(ms);
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms, signal), aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
  signal.throwIfAborted();
}

function requireString(body: Record<string, unknown>, name: 'device_code' | 'user_code', res: HttpResponse, ctx: OAuthResponseContext): string {
  const value = body[name];
  if (typeof value === 'string' && value !== '') return value;
  const what = value === undefined ? `no ${name}` : `a ${name} that is not a non-empty string`;
  throw protocolError(`device_response_missing_${name}`, `${what} in the device authorization response from ${describeEndpoint(ctx)}`, {
    check: 'checkDeviceAuthorizationResponse',
    attribute: name,
    expected: 'a non-empty string',
    actual: value === undefined ? undefined : typeof value,
  }, res, ctx);
}

/** RFC 8628 §3.2 `verification_uri`; `verification_url` (an early draft's name) tolerated. */
function readVerificationUri(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext, where: string): string {
  let name = 'verification_uri';
  let value = body.verification_uri;
  if (value === undefined && body.verification_url !== undefined) {
    name = 'verification_url';
    value = body.verification_url;
    ctx.note?.(`${where} sent verification_url; read it as verification_uri (RFC 8628 §3.2)`);
  }
  const cause = { check: 'checkVerificationUri', attribute: name, expected: 'an http(s) URL' };
  if (value === undefined || value === null || value === '') {
    throw protocolError('device_response_missing_verification_uri', `no verification_uri in the device authorization response from ${where}`, cause, res, ctx);
  }
  if (typeof value !== 'string' || !isHttpUrl(value)) {
    throw protocolError('device_response_invalid_verification_uri', `the ${name} in the device authorization response from ${where} is not an http(s) URL`, cause, res, ctx);
  }
  return value;
}

/** Optional; dropped with a warning unless an http(s) URL (it may be opened in a browser). */
function readVerificationUriComplete(body: Record<string, unknown>, ctx: OAuthResponseContext): string | undefined {
  let value = body.verification_uri_complete;
  if (value === undefined && body.verification_url_complete !== undefined) {
    value = body.verification_url_complete;
    ctx.note?.('device authorization response sent verification_url_complete; read it as verification_uri_complete');
  }
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && isHttpUrl(value)) return value;
  ctx.warn('device authorization response has a verification_uri_complete that is not an http(s) URL; ignored it');
  return undefined;
}

/** RFC 8628 §3.2 `expires_in` REQUIRED, seconds; a numeric string tolerated; at most 30 min. */
function readExpiresIn(body: Record<string, unknown>, ctx: OAuthResponseContext): number {
  const value = readSeconds(body.expires_in, 'expires_in', ctx);
  if (value !== undefined && value > MAX_DEVICE_CODE_LIFETIME_SECONDS) {
    ctx.warn(`device authorization response has expires_in ${value}s; waiting at most ${MAX_DEVICE_CODE_LIFETIME_SECONDS}s`);
    return MAX_DEVICE_CODE_LIFETIME_SECONDS;
  }
  if (value !== undefined && value > 0) return value;
  ctx.warn(
    `device authorization response has ${body.expires_in === undefined ? 'no' : 'an unusable'} expires_in; assuming ${FALLBACK_DEVICE_CODE_LIFETIME_SECONDS}s`,
  );
  return FALLBACK_DEVICE_CODE_LIFETIME_SECONDS;
}

/** RFC 8628 §3.2 `interval` OPTIONAL, default 5; a numeric string tolerated; within 1 s and 5 min. */
function readInterval(body: Record<string, unknown>, ctx: OAuthResponseContext): number {
  if (body.interval === undefined || body.interval === null) return DEFAULT_POLL_INTERVAL_SECONDS;
  const value = readSeconds(body.interval, 'interval', ctx);
  if (value !== undefined && value > 0 && boundInterval(value) !== value) {
    const bounded = boundInterval(value);
    ctx.warn(`device authorization response has interval ${value}s; polling every ${bounded}s`);
    return bounded;
  }
  if (value !== undefined && value > 0) return value;
  ctx.warn(`device authorization response has an unusable interval; polling every ${DEFAULT_POLL_INTERVAL_SECONDS}s`);
  return DEFAULT_POLL_INTERVAL_SECONDS;
}

function readSeconds(value: unknown, name: string, ctx: OAuthResponseContext): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    ctx.note?.(`device authorization response has ${name} as a string; read it as a number`);
    return Number(value);
  }
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}



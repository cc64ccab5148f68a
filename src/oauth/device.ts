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
import { OAuthError, TransportError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import type { ClientCredentials } from './client-auth.js';
import { tokenRequest } from './token-request.js';
import { readOAuthBody, throwIfOAuthError, type OAuthResponseContext, type TokenResponse } from './token-response.js';
import { safeUrl } from '../http/safe-url.js';
import { authenticatedFormPost } from './form-post.js';

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

export interface DeviceAuthorizationRequestParams {
  /** The device authorization endpoint. */
  endpoint: string;
  client: ClientCredentials;
  scope?: string;
  /** More form parameters (`audience`, `resource`, …); `undefined` values are left out. */
  extra?: Record<string, string | undefined>;
  /** Epoch milliseconds (client assertions). */
  now: () => number;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/**
 * POSTs the device authorization request (`client_id` or client authentication, `scope`, extra
 * parameters) with `Accept: application/json`, and validates the answer.
 *
 * @throws UsageError when the client's secret or key is missing (exit 2); OAuthError for an
 *   OAuth `error` answer (exit 3); TransportError for network failures and answers that are not
 *   a device authorization response (exit 4).
 * @see RFC 8628 §3.1
 */
export async function deviceAuthorizationRequest(http: HttpClient, p: DeviceAuthorizationRequestParams): Promise<DeviceAuthorization> {
  const res = await authenticatedFormPost(http, { endpoint: p.endpoint, params: { scope: p.scope, ...p.extra }, client: p.client, now: p.now });
  return processDeviceAuthorizationResponse(res, {
    endpoint: p.endpoint,
    warn: p.warn,
    ...(p.note === undefined ? {} : { note: p.note }),
  });
}

/**
 * Validates a device authorization response.
 *
 * Checks, in order: a JSON object (`readOAuthBody`); no `error` member whatever the status
 * (`throwIfOAuthError`); a 2xx status; string `device_code` and `user_code`; an http(s)
 * `verification_uri` (`verification_url` accepted, as Google sends, with a note); then reads
 * `verification_uri_complete`, `expires_in` (a numeric string tolerated) and `interval`
 * (default 5) leniently.
 *
 * @throws OAuthError when the server answered with an OAuth `error` (exit 3).
 * @throws TransportError `protocol` when the answer is not a device authorization response (exit 4).
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
  const where = `${c.name} ${safeUrl(c.endpoint)}`;
  if (res.status < 200 || res.status >= 300) {
    throw protocolError(`${where} answered ${res.status} without an OAuth error`, res);
  }

  const result: DeviceAuthorization = {
    device_code: requireString(body, 'device_code', res, where),
    user_code: requireString(body, 'user_code', res, where),
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
  tokenEndpoint: string;
  client: ClientCredentials;
  /** The `device_code` from the device authorization response. */
  deviceCode: string;
  /** Seconds between polls (the response's `interval`). */
  interval: number;
  /** Seconds the device code lives (the response's `expires_in`); bounds the polling. */
  expiresIn: number;
  /** Epoch milliseconds. */
  now: () => number;
  /** Waits `ms`; should reject with `signal.reason` when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborting stops the polling; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Called after each `authorization_pending` answer with the seconds left before expiry. */
  onPending?: (secondsLeft: number) => void;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/**
 * Polls the token endpoint until the user approves: waits `interval` seconds before each poll,
 * goes on while the answer is `authorization_pending` (whatever its HTTP status, 400 or 428),
 * adds 5 seconds to the interval on `slow_down`, and stops on any other answer. The deadline is
 * the moment the first call was made plus `expiresIn`.
 *
 * @returns the token response once the user approved.
 * @throws OAuthError `access_denied` (the user said no), `expired_token` (the server's, or ours
 *   when the device code's lifetime has passed), or any other OAuth error (exit 3);
 *   TransportError for network failures and non-protocol answers (exit 4); `signal.reason` when
 *   aborted.
 * @see RFC 8628 §3.4, §3.5
 */
export async function pollDeviceToken(http: HttpClient, p: PollDeviceTokenParams): Promise<TokenResponse> {
  const deadline = p.now() + Math.max(0, p.expiresIn) * 1000;
  let interval = p.interval > 0 ? p.interval : DEFAULT_POLL_INTERVAL_SECONDS;

  for (;;) {
    p.signal?.throwIfAborted();
    const remaining = deadline - p.now();
    if (remaining <= 0) throw deviceCodeExpired(p.expiresIn);
    await sleepUnlessAborted(p.sleep, Math.min(interval * 1000, remaining), p.signal);
    if (p.now() >= deadline) throw deviceCodeExpired(p.expiresIn);

    try {
      return await tokenRequest(http, {
        tokenEndpoint: p.tokenEndpoint,
        params: { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: p.deviceCode },
        client: p.client,
        now: p.now,
        warn: p.warn,
        ...(p.note === undefined ? {} : { note: p.note }),
      });
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      switch (err.error) {
        case 'authorization_pending':
          p.onPending?.(Math.max(0, Math.ceil((deadline - p.now()) / 1000)));
          continue;
        case 'slow_down':
          interval += SLOW_DOWN_INCREMENT_SECONDS;
          p.note?.(`token endpoint asked to slow down (slow_down); polling every ${interval}s`);
          continue;
        case 'access_denied':
          throw rewrap(err, 'device login denied by the user');
        case 'expired_token':
          throw rewrap(err, 'device code expired before the user approved', RETRY_HINT);
        default:
          throw err;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

const RETRY_HINT = 'run `oauthctl login --grant device_code` again and approve sooner';

/** Our own deadline has passed (RFC 8628 §3.5: the device code is then useless). */
function deviceCodeExpired(expiresIn: number): OAuthError {
  return new OAuthError(
    'expired_token',
    undefined,
    `device code expired: the user did not approve within ${describeSeconds(expiresIn)}`,
    { hint: RETRY_HINT },
  );
}

/** The same OAuth error with a message that says what it means for a device login. */
function rewrap(err: OAuthError, message: string, hint?: string): OAuthError {
  const description = err.errorDescription === undefined ? '' : ` (${err.errorDescription})`;
  const h = hint ?? err.hint;
  return new OAuthError(err.error, err.errorDescription, `${message}: ${err.error}${description}`, {
    cause: err,
    ...(err.status === undefined ? {} : { status: err.status }),
    ...(h === undefined ? {} : { hint: h }),
  });
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

function requireString(body: Record<string, unknown>, name: string, res: HttpResponse, where: string): string {
  const value = body[name];
  if (typeof value === 'string' && value !== '') return value;
  const what = value === undefined ? `no ${name}` : `a ${name} that is not a non-empty string`;
  throw protocolError(`${what} in the device authorization response from ${where}`, res);
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
  if (value === undefined || value === null || value === '') {
    throw protocolError(`no verification_uri in the device authorization response from ${where}`, res);
  }
  if (typeof value !== 'string' || !isHttpUrl(value)) {
    throw protocolError(`the ${name} in the device authorization response from ${where} is not an http(s) URL`, res);
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

/** RFC 8628 §3.2 `expires_in` REQUIRED, seconds; a numeric string tolerated. */
function readExpiresIn(body: Record<string, unknown>, ctx: OAuthResponseContext): number {
  const value = readSeconds(body.expires_in, 'expires_in', ctx);
  if (value !== undefined && value > 0) return value;
  ctx.warn(
    `device authorization response has ${body.expires_in === undefined ? 'no' : 'an unusable'} expires_in; assuming ${FALLBACK_DEVICE_CODE_LIFETIME_SECONDS}s`,
  );
  return FALLBACK_DEVICE_CODE_LIFETIME_SECONDS;
}

/** RFC 8628 §3.2 `interval` OPTIONAL, default 5; a numeric string tolerated. */
function readInterval(body: Record<string, unknown>, ctx: OAuthResponseContext): number {
  if (body.interval === undefined || body.interval === null) return DEFAULT_POLL_INTERVAL_SECONDS;
  const value = readSeconds(body.interval, 'interval', ctx);
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

function protocolError(message: string, res: HttpResponse): TransportError {
  const hint =
    res.status === 404 || res.status === 405
      ? 'check the device authorization endpoint URL (--device-url)'
      : res.status >= 500
        ? 'the server (or a proxy in front of it) failed; try again later, or run with -v to see the answer'
        : undefined;
  return new TransportError('protocol', message, { status: res.status, ...(hint === undefined ? {} : { hint }) });
}

function describeSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s}s`;
  return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m ${s % 60}s`;
}


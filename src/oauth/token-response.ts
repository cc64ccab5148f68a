/**
 * Reading what an authorization server answers at its token endpoint (and, through
 * `readOAuthBody` / `throwIfOAuthError`, at its device, introspection and revocation endpoints).
 *
 * Pure: no clock, no I/O. Tolerated deviations from the RFCs (SPEC "Interoperability") are
 * reported through `warn` (always shown) or `note` (shown under `-v`), never silently.
 * Messages never quote a body, so no token, code or secret can leak through them.
 *
 * @see RFC 6749 §5.1 (successful response), §5.2 (error response)
 */
import { OAuthError, TransportError } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { safeUrl } from '../http/safe-url.js';

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
  /** The whole parsed body (holds secrets: never print it unredacted). */
  raw: Record<string, unknown>;
}

/** Where an answer came from, and where tolerated deviations are reported. */
export interface OAuthResponseContext {
  /** The URL the request was sent to (named in messages). */
  endpoint: string;
  /** What the endpoint is called in messages. Default `token endpoint`. */
  name?: string;
  /** What failed, for OAuth errors: `<operation> failed: <error>`. Default `token request`. */
  operation?: string;
  /** A deviation the user should see (stderr). */
  warn: (message: string) => void;
  /** A tolerated deviation shown under `-v` only. */
  note?: (message: string) => void;
}

/** Options for `readOAuthBody`. */
export interface ReadOAuthBodyOptions {
  /**
   * Accept an empty body as `{}` (RFC 7009 §2.2: a revocation answer's body is ignored).
   * Default false: an empty body is a protocol error.
   */
  allowEmpty?: boolean;
}

/** token_type values accepted besides `Bearer` (RFC 8693 §2.2.1: `N_A` for token exchange). */
const OTHER_ACCEPTED_TOKEN_TYPES = new Set(['n_a']);

/**
 * Validates a token endpoint response and returns the token set.
 *
 * Checks, in order: the body is a JSON object (or a form, or JSON under an odd label)
 * (`readOAuthBody`); no `error` member whatever the status (`throwIfOAuthError`); a 2xx status
 * (`assertSuccessStatus`); a string `access_token` (`checkAccessToken`); a Bearer-compatible
 * `token_type` (`checkTokenType`); then reads `expires_in`, `scope`, `refresh_token`, `id_token`
 * leniently.
 *
 * @throws OAuthError when the server answered with an OAuth `error` (exit 3).
 * @throws TransportError `protocol` when the answer is not a token response (exit 4).
 * @see RFC 6749 §5.1, §5.2; RFC 6750 §4 (token_type Bearer)
 */
export function processTokenResponse(res: HttpResponse, ctx: OAuthResponseContext): TokenResponse {
  const body = readOAuthBody(res, ctx);
  throwIfOAuthError(body, res, ctx);
  assertSuccessStatus(res, ctx);

  const result: TokenResponse = {
    access_token: checkAccessToken(body, res, ctx),
    token_type: checkTokenType(body, res, ctx),
    expires_in: readExpiresIn(body, ctx),
    raw: body,
  };
  const scope = readScope(body, ctx);
  if (scope !== undefined) result.scope = scope;
  const refreshToken = readOptionalToken(body, 'refresh_token', ctx);
  if (refreshToken !== undefined) result.refresh_token = refreshToken;
  const idToken = readOptionalToken(body, 'id_token', ctx);
  if (idToken !== undefined) result.id_token = idToken;
  return result;
}

/**
 * Reads an authorization server's answer into an object: JSON (RFC 6749 §5.1 requires it); a
 * body labelled `application/x-www-form-urlencoded` as a form (GitHub without `Accept`); a body
 * with no or an odd label that still parses as a JSON object (with a `note`); a form-shaped
 * unlabelled / `text/plain` body carrying `access_token` or `error` (with a `note`).
 *
 * @throws TransportError `protocol` for anything else: HTML, text, truncated JSON, a JSON array,
 *   string or null, an empty body. The message names the endpoint, status and content type.
 */
export function readOAuthBody(
  res: HttpResponse,
  ctx: OAuthResponseContext,
  options: ReadOAuthBodyOptions = {},
): Record<string, unknown> {
  const contentType = mediaType(res.headers.get('content-type'));
  const text = res.text.replace(/^\uFEFF/, '');
  const where = describeEndpoint(ctx);
  const label = contentType ?? 'no content type';

  if (text.trim() === '') {
    if (options.allowEmpty) return {};
    throw protocolError(`${where} answered ${res.status} with an empty body, not JSON`, res, ctx);
  }

  if (contentType === 'application/x-www-form-urlencoded') {
    ctx.note?.(`${where} answered application/x-www-form-urlencoded; parsed it as a form (RFC 6749 §5.1 says JSON)`);
    return parseForm(text);
  }

  const labelledJson = contentType !== undefined && isJsonMediaType(contentType);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (labelledJson) {
      throw protocolError(`${where} answered ${res.status} with ${contentType} that does not parse (truncated or malformed JSON)`, res, ctx);
    }
    if ((contentType === undefined || contentType === 'text/plain') && looksLikeOAuthForm(text)) {
      ctx.note?.(`${where} answered a form-encoded body labelled ${label}; parsed it as a form`);
      return parseForm(text);
    }
    throw protocolError(`${where} answered ${res.status} with ${label}, not JSON`, res, ctx);
  }

  if (!isPlainObject(parsed)) {
    throw protocolError(`${where} answered ${res.status} with ${describeJsonValue(parsed)}, not a JSON object`, res, ctx);
  }
  if (!labelledJson) {
    ctx.note?.(`${where} labelled its JSON answer ${label}; accepted it as JSON`);
  }
  return parsed;
}

/**
 * The named check for RFC 6749 §5.2 error responses: an `error` member is an OAuth error
 * whatever the HTTP status (some servers answer 200 with `error`; `authorization_pending` may
 * come with 428).
 *
 * @throws OAuthError with the server's `error`, `error_description`, the HTTP status, and
 *   `error_uri` as a hint when given.
 * @throws TransportError `protocol` when `error` is present but unusable.
 */
export function throwIfOAuthError(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): void {
  if (!('error' in body) || body.error === undefined || body.error === null) return;

  let error: string | undefined;
  let description: string | undefined;
  if (typeof body.error === 'string' && body.error.trim() !== '') {
    error = body.error;
    if (typeof body.error_description === 'string') description = body.error_description;
  } else if (isPlainObject(body.error) && typeof body.error.code === 'string' && body.error.code.trim() !== '') {
    // `{ "error": { "code", "message" } }`, as some platform APIs answer.
    error = body.error.code;
    if (typeof body.error.message === 'string') description = body.error.message;
    ctx.note?.(`${describeEndpoint(ctx)} sent its error as an object; read error.code and error.message`);
  }
  if (error === undefined) {
    throw protocolError(`${describeEndpoint(ctx)} answered ${res.status} with an unreadable error member`, res, ctx);
  }

  error = oneLine(error, 80);
  description = description === undefined || description.trim() === '' ? undefined : oneLine(description, 300);
  if (res.status !== 400 && res.status !== 401) {
    ctx.note?.(`${describeEndpoint(ctx)} sent the OAuth error ${error} with HTTP ${res.status} (RFC 6749 §5.2 says 400 or 401)`);
  }
  const operation = ctx.operation ?? 'token request';
  const message = `${operation} failed: ${error}${description === undefined ? '' : ` (${description})`}`;
  const hint = typeof body.error_uri === 'string' && /^https?:\/\//i.test(body.error_uri)
    ? `see ${oneLine(body.error_uri, 200)}`
    : undefined;
  throw new OAuthError(error, description, message, { status: res.status, ...(hint === undefined ? {} : { hint }) });
}

/** A successful token response has a 2xx status (RFC 6749 §5.1 says 200). */
function assertSuccessStatus(res: HttpResponse, ctx: OAuthResponseContext): void {
  if (res.status >= 200 && res.status < 300) return;
  const statusText = res.statusText ? ` ${oneLine(res.statusText, 60)}` : '';
  throw protocolError(`${describeEndpoint(ctx)} answered ${res.status}${statusText} without an OAuth error`, res, ctx);
}

/** RFC 6749 §5.1: `access_token` REQUIRED, a string. */
function checkAccessToken(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): string {
  const value = body.access_token;
  if (typeof value === 'string' && value !== '') return value;
  const what = value === undefined ? 'no access_token' : 'an access_token that is not a non-empty string';
  throw protocolError(`${what} in the token response from ${describeEndpoint(ctx)}`, res, ctx);
}

/**
 * RFC 6749 §5.1 / §7.1: `token_type` REQUIRED and case-insensitive. Missing → `Bearer` with a
 * warning (tolerated); `Bearer` in any case and `N_A` (RFC 8693) are kept as sent; anything
 * else (`mac`, `DPoP` we did not ask for) cannot be used by oauthctl.
 */
function checkTokenType(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): string {
  const value = body.token_type;
  if (value === undefined || value === null || value === '') {
    ctx.warn('token response has no token_type; assuming Bearer');
    return 'Bearer';
  }
  if (typeof value !== 'string') {
    throw protocolError(`${describeEndpoint(ctx)} sent a token_type that is not a string`, res, ctx);
  }
  const lower = value.toLowerCase();
  if (lower === 'bearer' || OTHER_ACCEPTED_TOKEN_TYPES.has(lower)) return value;
  throw protocolError(`unsupported token_type ${JSON.stringify(oneLine(value, 40))} from ${describeEndpoint(ctx)} (oauthctl uses Bearer tokens)`, res, ctx);
}

/** RFC 6749 §5.1: `expires_in` RECOMMENDED, seconds; a numeric string is tolerated. */
function readExpiresIn(body: Record<string, unknown>, ctx: OAuthResponseContext): number | null {
  const value = body.expires_in;
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    ctx.note?.('token response has expires_in as a string; read it as a number');
    return Number(value);
  }
  ctx.warn(`token response has an unusable expires_in (${describeScalar(value)}); treating the expiry as unknown`);
  return null;
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

function protocolError(message: string, res: HttpResponse, ctx: OAuthResponseContext): TransportError {
  const hint = hintFor(res, ctx);
  return new TransportError('protocol', message, { status: res.status, ...(hint === undefined ? {} : { hint }) });
}

function hintFor(res: HttpResponse, ctx: OAuthResponseContext): string | undefined {
  const name = ctx.name ?? 'token endpoint';
  if (res.status >= 500) return 'the server (or a proxy in front of it) failed; try again later, or run with -v to see the answer';
  if (res.status === 401) return 'the server refused the client credentials: check the client id, the secret or key, and --client-auth';
  if (res.status === 404 || res.status === 405) return `check the ${name} URL`;
  if (/html/.test(res.headers.get('content-type') ?? '')) return `check the ${name} URL: it answers with a web page`;
  return undefined;
}

/** `token endpoint https://as.example/token`, without any userinfo or query in the URL. */
function describeEndpoint(ctx: OAuthResponseContext): string {
  return `${ctx.name ?? 'token endpoint'} ${safeUrl(ctx.endpoint)}`;
}


/** The media type without parameters, lower-cased; undefined when absent. */
function mediaType(header: string | null): string | undefined {
  if (header === null) return undefined;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' ? undefined : type;
}

function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text.trim())) {
    if (!(k in out)) out[k] = v; // first wins, like URLSearchParams.get
  }
  return out;
}

/** `a=b&c=d` with an `access_token` or `error` key, and nothing that looks like prose or markup. */
function looksLikeOAuthForm(text: string): boolean {
  const t = text.trim();
  return /^[\w.~-]+=[^\s&<>]*(&[\w.~-]+=[^\s&<>]*)*$/.test(t) && /(^|&)(access_token|error)=/.test(t);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'JSON null';
  if (Array.isArray(value)) return 'a JSON array';
  return `a JSON ${typeof value}`;
}

/** A short, secret-free description of an unexpected scalar (expires_in is not a secret). */
function describeScalar(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(oneLine(value, 20));
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Control characters removed, whitespace collapsed, capped: error lines stay one line. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

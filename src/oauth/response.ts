/**
 * The one reader of authorization server answers: every endpoint's `process…Response` starts
 * here (token, device authorization, introspection, revocation, userinfo, PAR and
 * registration). It turns the body into an object (`readOAuthBody`), turns an OAuth `error`
 * member into an OAuthError (`throwIfOAuthError`, the only place besides the authorization
 * callback where a server's `error` becomes one), and checks the status (`assertSuccessStatus`).
 *
 * Pure: no clock, no I/O. Tolerated deviations from the RFCs (SPEC "Interoperability") are
 * reported through `warn` (always shown) or `note` (shown under `-v`), never silently.
 * Messages never quote a body, so no token, code or secret can leak through them.
 *
 * @see RFC 6749 §5.1 (successful response), §5.2 (error response)
 */
import { OAuthError, ProtocolError, type CheckCause, type ProtocolCode } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { safeUrl } from '../http/safe-url.js';
import { oneLine } from '../sanitize.js';

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
  /** The request carried a DPoP proof (RFC 9449): a `DPoP` token_type is expected. */
  dpop?: boolean;
}

/** Options for `readOAuthBody`. */
export interface ReadOAuthBodyOptions {
  /**
   * Accept an empty body as `{}` (RFC 7009 §2.2: a revocation answer's body is ignored).
   * Default false: an empty body is a protocol error.
   */
  allowEmpty?: boolean;
}

/**
 * Reads an authorization server's answer into an object: JSON (RFC 6749 §5.1 requires it); a
 * body labelled `application/x-www-form-urlencoded` as a form (GitHub without `Accept`); a body
 * with no or an odd label that still parses as a JSON object (with a `note`); a form-shaped
 * unlabelled / `text/plain` body carrying `access_token` or `error` (with a `note`).
 *
 * @throws ProtocolError `response_empty`, `response_invalid_json`, `response_not_json`,
 *   `response_not_object` for anything else: HTML, text, truncated JSON, a JSON array, string or
 *   null, an empty body. The message names the endpoint, status and content type.
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
  const check = 'readOAuthBody';

  if (text.trim() === '') {
    if (options.allowEmpty) return {};
    throw protocolError('response_empty', `${where} answered ${res.status} with an empty body, not JSON`, { check, actual: '' }, res, ctx);
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
      throw protocolError('response_invalid_json', `${where} answered ${res.status} with ${contentType} that does not parse (truncated or malformed JSON)`, { check, expected: 'JSON', actual: contentType }, res, ctx);
    }
    if ((contentType === undefined || contentType === 'text/plain') && looksLikeOAuthForm(text)) {
      ctx.note?.(`${where} answered a form-encoded body labelled ${label}; parsed it as a form`);
      return parseForm(text);
    }
    throw protocolError('response_not_json', `${where} answered ${res.status} with ${label}, not JSON`, { check, expected: 'application/json', actual: label }, res, ctx);
  }

  if (!isPlainObject(parsed)) {
    const what = describeJsonValue(parsed);
    throw protocolError('response_not_object', `${where} answered ${res.status} with ${what}, not a JSON object`, { check, expected: 'a JSON object', actual: what }, res, ctx);
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
 * @throws ProtocolError `response_error_unreadable` when `error` is present but unusable.
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
    throw protocolError('response_error_unreadable', `${describeEndpoint(ctx)} answered ${res.status} with an unreadable error member`, {
      check: 'throwIfOAuthError',
      attribute: 'error',
      expected: 'a string',
      actual: typeof body.error,
    }, res, ctx);
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

/**
 * The status an endpoint must answer with when it sent no OAuth error: a 2xx by default (RFC
 * 6749 §5.1 says 200), or exactly `expected`.
 *
 * @throws ProtocolError `response_status_unexpected`.
 */
export function assertSuccessStatus(res: HttpResponse, ctx: OAuthResponseContext, expected?: number): void {
  if (expected === undefined ? res.status >= 200 && res.status < 300 : res.status === expected) return;
  const statusText = res.statusText ? ` ${oneLine(res.statusText, 60)}` : '';
  throw protocolError('response_status_unexpected', `${describeEndpoint(ctx)} answered ${res.status}${statusText} without an OAuth error`, {
    check: 'assertSuccessStatus',
    expected: expected ?? '2xx',
    actual: res.status,
  }, res, ctx);
}

/**
 * A ProtocolError about an answer: it carries the HTTP status and a hint that fits the status
 * (a 5xx, a refused client, a wrong URL, a web page).
 */
export function protocolError(code: ProtocolCode, message: string, cause: CheckCause, res: HttpResponse, ctx: OAuthResponseContext): ProtocolError {
  const hint = hintFor(res, ctx);
  return new ProtocolError(code, message, cause, { status: res.status, ...(hint === undefined ? {} : { hint }) });
}

/** `token endpoint https://as.example/token`, without any userinfo or query in the URL. */
export function describeEndpoint(ctx: OAuthResponseContext): string {
  return `${ctx.name ?? 'token endpoint'} ${safeUrl(ctx.endpoint)}`;
}


export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------

function hintFor(res: HttpResponse, ctx: OAuthResponseContext): string | undefined {
  const name = ctx.name ?? 'token endpoint';
  if (res.status >= 500) return 'the server (or a proxy in front of it) failed; try again later, or run with -v to see the answer';
  // An empty refusal says nothing: name what a token endpoint usually refuses (issue 11).
  if (name === 'token endpoint' && [400, 401, 403].includes(res.status) && res.text.trim() === '') {
    return 'the server refused the request without saying why: check the client id, the client secret (or key), the scope and the redirect URI';
  }
  if (res.status === 401) return 'the server refused the client credentials: check the client id, the secret or key, and --client-auth';
  if (res.status === 404 || res.status === 405) return `check the ${name} URL`;
  if (/html/.test(res.headers.get('content-type') ?? '')) return `check the ${name} URL: it answers with a web page`;
  return undefined;
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
    if (!Object.hasOwn(out, k)) out[k] = v; // first wins, like URLSearchParams.get
  }
  return out;
}

/** `a=b&c=d` with an `access_token` or `error` key, and nothing that looks like prose or markup. */
function looksLikeOAuthForm(text: string): boolean {
  const t = text.trim();
  return /^[\w.~-]+=[^\s&<>]*(&[\w.~-]+=[^\s&<>]*)*$/.test(t) && /(^|&)(access_token|error)=/.test(t);
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'JSON null';
  if (Array.isArray(value)) return 'a JSON array';
  return `a JSON ${typeof value}`;
}

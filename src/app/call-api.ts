/**
 * `call`: reach a protected resource with the stored access token (RFC 6750), renewing it once
 * when the API answers 401. Protocol only: no commander, no terminal. The caller receives the
 * live response (body unread) and decides how to render it.
 */
import { UsageError, LoginRequiredError } from '../errors.js';
import type { HttpRequest } from '../http/types.js';
import { safeUrl } from '../http/safe-url.js';
import { readStepUpChallenge } from '../oauth/www-authenticate.js';
import type { TokenSet } from '../store/types.js';
import { acquireToken, type AcquireRequest } from './acquire-token.js';
import type { RenewRequest } from './renew-token.js';
import type { AppContext } from './context.js';
import { assertSecureUrl } from './endpoints.js';
import { authorizationScheme } from './token-set.js';

export { authorizationScheme };

/** Where the access token travels (RFC 6750 §2.1 header, §2.2 form body, §2.3 query). */
export type BearerPlacement = 'header' | 'query' | 'form';
export const BEARER_PLACEMENTS: readonly BearerPlacement[] = ['header', 'query', 'form'];

/** A `-d` / `--json` value: inline text, `@FILE`, or `@-` (stdin). */
export type BodySource = { inline: string } | { file: string } | { stdin: true };

/** Reads `@FILE` / `@-` bodies: the CLI provides it (files and stdin are the terminal's business). */
export type BodyReader = (source: { file: string } | { stdin: true }) => Promise<Uint8Array>;

/** What the command line gives `call`, before any validation. */
export interface CallInput {
  method: string;
  /** An absolute http(s) URL, or `/PATH` under `baseUrl`. */
  target: string;
  /** `api_base_url` (flag > env > profile). */
  baseUrl?: string;
  /** `-H 'Name: value'`, in order. */
  headers?: string[];
  /** `-d DATA|@FILE|@-`. */
  data?: string;
  /** `--json DATA|@FILE|@-`. */
  json?: string;
  bearerIn?: BearerPlacement;
}

/** A validated request, ready to have the token placed in it. The body is buffered so a retry can resend it. */
export interface CallSpec {
  method: string;
  url: string;
  /** Lower-cased names; the user's values (repeated names joined with ", "). */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  bearerIn: BearerPlacement;
  /**
   * The user gave their own `Authorization` header with `--bearer-in header`: theirs is sent
   * unchanged, no token is acquired and a 401 is not retried (renewing ours could not help).
   */
  userAuthorization: boolean;
}

export interface CallResult {
  /** The final answer, body unread. */
  response: Response;
  method: string;
  /** The URL without userinfo, query or fragment: fit for messages (the query may hold the token). */
  displayUrl: string;
  /** The token was renewed after a 401 and the request repeated. */
  renewed: boolean;
}

/** Methods whose requests carry no body (fetch refuses one; RFC 6750 §2.2 needs a body). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** RFC 9110 §5.6.2 `token`: header names and methods. */
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `get` → `GET`; a method must be letters (RFC 9110 §9.1 allows more, no real API uses it). */
export function parseMethod(method: string): string {
  if (!/^[A-Za-z]+$/.test(method)) throw new UsageError(`'${method}' is not an HTTP method`, { hint: 'e.g. GET, POST, PUT, PATCH, DELETE' });
  return method.toUpperCase();
}

/**
 * An absolute http(s) URL is used as is; `/PATH` (with its own query) is appended to the base
 * URL, keeping the base's path: `https://api/v1` + `/people` = `https://api/v1/people`.
 */
export function resolveCallUrl(target: string, baseUrl: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`not a valid URL: ${safeUrl(target)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`call needs an http(s) URL, not ${url.protocol}`);
    return url.toString();
  }
  if (!target.startsWith('/')) {
    throw new UsageError(`'${safeUrl(target)}' is neither a URL nor a /PATH`, { hint: 'give https://host/path, or /path under --base-url' });
  }
  if (!baseUrl) {
    throw new UsageError(`no API base URL for ${target.replace(/[?#].*$/, '')}`, {
      hint: 'give --base-url https://api.example.com (or OAUTHCTL_API_BASE_URL, or the profile\'s api_base_url), or a full URL',
    });
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`the API base URL is not a valid URL: ${safeUrl(baseUrl)}`);
  }
  const cut = target.search(/[?#]/);
  const path = cut === -1 ? target : target.slice(0, cut);
  const rest = cut === -1 ? '' : target.slice(cut);
  const hashAt = rest.indexOf('#');
  const query = hashAt === -1 ? rest : rest.slice(0, hashAt);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  // The path's query is kept as typed (re-encoding it could change what the API reads).
  if (query.length > 1) url.search = url.search ? `${url.search}&${query.slice(1)}` : query;
  url.hash = '';
  return url.toString();
}

/** `-H 'Name: value'` lines → lower-cased names; a repeated name joins its values with ", " (RFC 9110 §5.3). */
export function parseHeaderLines(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).trim();
    if (!name || !TOKEN_CHARS.test(name)) {
      throw new UsageError(`malformed header '${line.slice(0, 80)}'`, { hint: "write -H 'Name: value'" });
    }
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) throw new UsageError(`header ${name}: the value may not contain line breaks`);
    const key = name.toLowerCase();
    const previous = headers[key];
    headers[key] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}

/** `-d`/`--json` value → where its bytes come from. */
export function parseBodySource(value: string): BodySource {
  if (value === '@-') return { stdin: true };
  if (value.startsWith('@') && value.length > 1) return { file: value.slice(1) };
  return { inline: value };
}

/**
 * Validates everything the command line says and buffers the body (so the request can be
 * repeated after a renewal). All mistakes are UsageErrors (exit 2), found before any request.
 *
 * - `-d` sends the bytes as given; without a `Content-Type` header it is labelled
 *   `application/x-www-form-urlencoded`, as curl does.
 * - `--json` must parse; it sets `Content-Type` and `Accept` to `application/json` unless given.
 * - `--bearer-in form` (RFC 6750 §2.2) needs a form body (or none: the token alone becomes the
 *   body) and a method that carries one.
 */
export async function prepareCall(input: CallInput, readBody: BodyReader, ctx: Pick<AppContext, 'insecure'>): Promise<CallSpec> {
  const method = parseMethod(input.method);
  const url = resolveCallUrl(input.target, input.baseUrl);
  // RFC 6750 §5.3: a bearer token in clear text is anyone's token.
  assertSecureUrl(safeUrl(url), 'the API URL', ctx.insecure);
  const headers = parseHeaderLines(input.headers ?? []);
  const bearerIn = input.bearerIn ?? 'header';
  if (!BEARER_PLACEMENTS.includes(bearerIn)) throw new UsageError(`--bearer-in must be header, query or form, not '${String(bearerIn)}'`);
  if (input.data !== undefined && input.json !== undefined) {
    throw new UsageError('give either -d/--data or --json, not both');
  }

  let body: string | Uint8Array | undefined;
  const load = async (value: string): Promise<string | Uint8Array> => {
    const source = parseBodySource(value);
    return 'inline' in source ? source.inline : readBody(source);
  };
  if (input.json !== undefined) {
    body = await load(input.json);
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      JSON.parse(text);
    } catch (err) {
      throw new UsageError(`--json: not valid JSON (${(err as Error).message})`);
    }
    body = text;
    headers['content-type'] ??= 'application/json';
    headers.accept ??= 'application/json';
  } else if (input.data !== undefined) {
    body = await load(input.data);
    headers['content-type'] ??= FORM_TYPE;
  }

  if (bearerIn === 'form') {
    if (BODYLESS_METHODS.has(method)) {
      throw new UsageError(`--bearer-in form sends the token in a request body, which ${method} does not have (RFC 6750 §2.2)`, {
        hint: 'use POST (or another method with a body), or --bearer-in header',
      });
    }
    if (headers['content-type'] !== undefined && !isFormType(headers['content-type'])) {
      throw new UsageError(`--bearer-in form needs an ${FORM_TYPE} body, not ${headers['content-type']} (RFC 6750 §2.2)`, {
        hint: 'use --bearer-in header, or send a form body with -d',
      });
    }
    headers['content-type'] ??= FORM_TYPE;
  } else if (body !== undefined && BODYLESS_METHODS.has(method)) {
    throw new UsageError(`a ${method} request cannot carry a body`, { hint: 'use POST, PUT or PATCH with -d/--json' });
  }

  return {
    method,
    url,
    headers,
    ...(body !== undefined ? { body } : {}),
    bearerIn,
    userAuthorization: bearerIn === 'header' && headers.authorization !== undefined,
  };
}

function isFormType(contentType: string): boolean {
  return contentType.split(';')[0]?.trim().toLowerCase() === FORM_TYPE;
}


/**
 * Places the access token as RFC 6750 says: `Authorization: Bearer` (§2.1), the
 * `access_token` form parameter (§2.2), or the `access_token` query parameter (§2.3).
 * Without a token (the user's own Authorization header) the request goes as given.
 */
export function buildHttpRequest(spec: CallSpec, token: Pick<TokenSet, 'access_token' | 'token_type'> | undefined): HttpRequest {
  const headers = { ...spec.headers };
  let url = spec.url;
  let body = spec.body;
  if (token) {
    if (spec.bearerIn === 'header') {
      headers.authorization = `${authorizationScheme(token.token_type)} ${token.access_token}`;
    } else if (spec.bearerIn === 'query') {
      const u = new URL(url);
      u.searchParams.append('access_token', token.access_token);
      url = u.toString();
    } else {
      const given = body === undefined ? '' : (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).replace(/[\r\n]+$/, '');
      const param = new URLSearchParams({ access_token: token.access_token }).toString();
      body = given ? `${given}&${param}` : param;
    }
  }
  return { method: spec.method, url, headers, ...(body !== undefined ? { body } : {}) };
}

/** The token use cases `callApi` relies on; tests may substitute them. */
export interface CallTokens {
  acquire: (req: AcquireRequest, ctx: AppContext) => Promise<TokenSet>;
  renew: (req: RenewRequest, ctx: AppContext) => Promise<TokenSet>;
}

const realTokens: CallTokens = {
  acquire: acquireToken,
  renew: async (req, ctx) => (await import('./renew-token.js')).renewToken(req, ctx),
};

/**
 * Sends the request with the current token; on a 401 (RFC 6750 §3.1 `invalid_token`) renews the
 * token once (`renewToken` with `rejected`, so a renewal made meanwhile by another process is
 * used instead) and repeats the request. The 401's body is discarded. A second 401 is the
 * caller's to report like any other API error.
 */
export async function callApi(spec: CallSpec, acquire: AcquireRequest, ctx: AppContext, tokens: CallTokens = realTokens): Promise<CallResult> {
  const displayUrl = safeUrl(spec.url);
  if (spec.userAuthorization) {
    ctx.note('-H Authorization given: sending it instead of the stored token (no renewal on 401)');
    return { response: await ctx.http.stream(buildHttpRequest(spec, undefined)), method: spec.method, displayUrl, renewed: false };
  }

  const first = await tokens.acquire(acquire, ctx);
  useToken(first, spec, ctx);
  const response = await ctx.http.stream(buildHttpRequest(spec, first));
  // A step-up challenge (RFC 9470) asks for a new login, which a renewal cannot give.
  if (response.status !== 401 || readStepUpChallenge(401, response.headers.get('www-authenticate'))) {
    return { response, method: spec.method, displayUrl, renewed: false };
  }

  await response.body?.cancel().catch(() => {});
  ctx.note(`${spec.method} ${displayUrl} answered 401: renewing the access token once and repeating the request`);
  let second: TokenSet;
  try {
    second = await tokens.renew({ ...acquire, rejected: first.access_token }, ctx);
  } catch (err) {
    if (err instanceof LoginRequiredError) {
      throw new LoginRequiredError(`the API rejected the access token (401) and it cannot be renewed: ${err.message}`, { cause: err });
    }
    throw err;
  }
  useToken(second, spec, ctx);
  const repeated = await ctx.http.stream(buildHttpRequest(spec, second));
  return { response: repeated, method: spec.method, displayUrl, renewed: true };
}

function useToken(tokens: TokenSet, spec: CallSpec, ctx: AppContext): void {
  // Second line of defence: whatever echoes the request (traces, errors) scrubs the token.
  ctx.redactor.addSecret(tokens.access_token);
  if (authorizationScheme(tokens.token_type) !== 'Bearer') {
    ctx.warn(
      spec.bearerIn === 'header'
        ? `token_type is '${tokens.token_type}', not Bearer: sending 'Authorization: ${tokens.token_type} …'`
        : `token_type is '${tokens.token_type}', not Bearer: RFC 6750 placement (--bearer-in ${spec.bearerIn}) may not be accepted`,
    );
  }
}

/**
 * `call`'s command line → typed options, with no I/O: the method, the `-H` lines, where the body
 * comes from (`-d`, `--json`), where the token goes (`--bearer-in`), `-i`, `--any-origin`. Every
 * mistake is a UsageError (exit 2) found before any request. Reading an `@FILE`/`@-` body and
 * joining `/PATH` to the API base URL happen in the command once the profile is known.
 */
import { BEARER_PLACEMENTS, type BearerPlacement } from '../../app/call-api.js';
import { UsageError } from '../../errors.js';
import type { CommandInput } from '../command.js';
import { parseMethod } from '../request-target.js';
import type { TokenTarget } from '../../store/types.js';
import { targetFromOptions } from '../narrow.js';
import { parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

/** A `-d` / `--json` value: inline text, `@FILE`, or `@-` (stdin). */
export type BodySource = { inline: string } | { file: string } | { stdin: true };

export interface CallOptions {
  /** Upper-case (`get` → `GET`). */
  method: string;
  /** An absolute http(s) URL, or `/PATH` under the API base URL (see `resolveCallUrl`). */
  target: string;
  /** Lower-cased names; repeated names joined with ", "; the body's Content-Type (and Accept) defaults applied. */
  headers: Record<string, string>;
  /** `-d` or `--json`; `json` bodies must parse as JSON. */
  body?: { source: BodySource; json: boolean };
  bearerIn: BearerPlacement;
  /** `-i`: status line and headers before the body. */
  include: boolean;
  /** `--any-origin`: the token may go to an origin other than the API base URL's. */
  anyOrigin: boolean;
  /** Profile flags, the client secret's source, `--min-ttl`. */
  token: TokenCommandOptions;
  /** `--scope`/`--audience`/`--resource`: a narrower token for this call. */
  narrow?: TokenTarget;
}

/** What the parser hands the command: positional arguments and option values. */
export type CallInput = Pick<CommandInput, 'args' | 'opts'>;

/** Methods whose requests carry no body (fetch refuses one; RFC 6750 §2.2 needs a body). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);
const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
/** RFC 9110 §5.6.2 `token`: header names. */
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * - `-d` sends the bytes as given; without a `Content-Type` header it is labelled
 *   `application/x-www-form-urlencoded`, as curl does.
 * - `--json` sets `Content-Type` and `Accept` to `application/json` unless given (inline JSON
 *   is checked here, `@FILE`/`@-` when read: `checkJsonBody`).
 * - `--bearer-in form` (RFC 6750 §2.2) needs a form body (or none: the token alone becomes the
 *   body) and a method that carries one.
 */
export function parseCallOptions(input: CallInput): CallOptions {
  const { opts } = input;
  const [rawMethod = '', target = ''] = input.args;
  const method = parseMethod(rawMethod);
  const headers = parseHeaderLines(Array.isArray(opts.header) ? (opts.header as string[]) : []);
  const data = typeof opts.data === 'string' ? opts.data : undefined;
  const json = typeof opts.json === 'string' ? opts.json : undefined;
  if (data !== undefined && json !== undefined) throw new UsageError('give either -d/--data or --json, not both');
  const bearerIn = parseBearerIn(opts.bearerIn);
  const token = parseTokenCommandOptions(opts);
  const narrow = targetFromOptions(opts);

  let body: CallOptions['body'];
  if (json !== undefined) {
    body = { source: parseBodySource(json), json: true };
    if ('inline' in body.source) checkJsonBody(body.source.inline);
    headers['content-type'] ??= JSON_TYPE;
    headers.accept ??= JSON_TYPE;
  } else if (data !== undefined) {
    body = { source: parseBodySource(data), json: false };
    headers['content-type'] ??= FORM_TYPE;
  }
  if (body && 'stdin' in body.source && token.secret.stdin) {
    throw new UsageError('stdin cannot hold both the client secret and the request body', {
      hint: 'give the secret with OAUTHCTL_CLIENT_SECRET, or the body with -d @FILE',
    });
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
    target,
    headers,
    ...(body ? { body } : {}),
    bearerIn,
    include: opts.include === true,
    anyOrigin: opts.anyOrigin === true,
    token,
    ...(narrow ? { narrow } : {}),
  };
}

function parseBearerIn(value: unknown): BearerPlacement {
  if (value === undefined) return 'header';
  if (typeof value === 'string' && (BEARER_PLACEMENTS as readonly string[]).includes(value)) return value as BearerPlacement;
  throw new UsageError(`--bearer-in must be header, query or form, not '${String(value)}'`);
}

/** `-H 'Name: value'` lines → lower-cased names; a repeated name joins its values with ", " (RFC 9110 §5.3). */
export function parseHeaderLines(lines: readonly string[]): Record<string, string> {
  // No prototype: a header named `__proto__` or `constructor` is an ordinary header.
  const headers = Object.create(null) as Record<string, string>;
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

/** `--json`'s text must parse. */
export function checkJsonBody(text: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--json: not valid JSON (${(err as Error).message})`);
  }
}

function isFormType(contentType: string): boolean {
  return contentType.split(';')[0]?.trim().toLowerCase() === FORM_TYPE;
}

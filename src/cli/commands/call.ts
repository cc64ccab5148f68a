import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { CallResult, CallSpec } from '../../app/call-api.js';
import { narrowTokens } from '../../app/narrow-token.js';
import { callWithStepUp, describeAsk, type StepUpAsk } from '../../app/step-up.js';
import { ApiError, LoginRequiredError, OauthctlError, UsageError } from '../../errors.js';
import { toTransportError } from '../../http/errors.js';
import { copyBody, readUpTo, type ReadGuard } from '../../io/body-stream.js';
import { sink } from '../../io/sink.js';
import { defineCommand } from '../command.js';
import { forPerson } from '../../io/terminal.js';
import type { Session } from '../session.js';
import { acquireRequestFrom } from '../settings.js';
import { checkJsonBody, parseCallOptions, type CallOptions } from './call-options.js';
import { resolveCallUrl, tokenOrigin } from '../request-target.js';

/** On a terminal, a JSON answer up to this size is pretty-printed; larger ones stream as sent. */
export const PRETTY_MAX_BYTES = 5 * 1024 * 1024;
/** `-o json` buffers the whole answer into one document; beyond this it refuses. */
export const JSON_OUTPUT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * `oauthctl call METHOD URL|/PATH`: the API's answer on stdout, streamed (never held whole in
 * memory), `-i` adds the status line and headers first, `-o json` gives `{ status, headers, body }`.
 * A status >= 400 still prints the body, then fails with exit 6.
 */
export async function run(opts: CallOptions, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, opts.token);
  const baseUrl = req.settings.api_base_url;
  const url = resolveCallUrl(opts.target, baseUrl);
  const spec: CallSpec = {
    method: opts.method,
    url,
    headers: opts.headers,
    ...(opts.body ? { body: await loadBody(opts.body, session) } : {}),
    bearerIn: opts.bearerIn,
    ...withOrigin(tokenOrigin(baseUrl, opts.anyOrigin)),
  };
  const { result, unmet, steppedUp } = await callWithStepUp(
    spec,
    req,
    session.app,
    { ...(session.io.canPrompt ? { interaction: async () => (await import('../interaction.js')).cliInteraction(session, {}) } : {}) },
    opts.narrow ? narrowTokens(opts.narrow) : undefined,
  );

  const guard: ReadGuard = {
    signal: session.signal,
    mapError: (err) => (err instanceof OauthctlError ? err : toTransportError(err, result.displayUrl, session.timeoutSeconds ?? 30)),
  };
  if (session.json) await renderJson(result, session, guard);
  else await renderText(result, session, guard, opts.include);

  const res = result.response;
  if (unmet && !steppedUp) throw stepUpRequired(result, unmet, req.profile);
  if (res.status >= 400) {
    throw new ApiError(`http_${res.status}`, `${result.method} ${result.displayUrl} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, {
      status: res.status,
      ...apiHint(res),
    });
  }
}

export const command = defineCommand(parseCallOptions, run);

function withOrigin(origin: string | undefined): { tokenOrigin?: string } {
  return origin === undefined ? {} : { tokenOrigin: origin };
}

/** `-d`/`--json`: inline text, or the bytes of `@FILE` / `@-` as they are (no newline stripping, unlike curl's `-d @file`). */
async function loadBody(body: NonNullable<CallOptions['body']>, session: Session): Promise<string | Uint8Array> {
  const { source } = body;
  let bytes: string | Uint8Array;
  if ('inline' in source) bytes = source.inline;
  else if ('stdin' in source) bytes = await readAllBytes(session.io.stdin);
  else {
    try {
      bytes = await readFile(source.file);
    } catch (err) {
      throw new UsageError(`cannot read ${source.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (!body.json) return bytes;
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  checkJsonBody(text);
  return text;
}

async function readAllBytes(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Step-up needed but no person (or no interactive grant) to do it: exit 5, naming what to log in with. */
function stepUpRequired(result: CallResult, ask: StepUpAsk, profile: string): LoginRequiredError {
  const c = ask.challenge;
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const flags = [
    ask.scope ? `--scope ${quote(ask.scope)}` : '',
    ask.acr_values ? `--param ${quote(`acr_values=${ask.acr_values}`)}` : '',
    ask.max_age !== undefined ? `--param max_age=${ask.max_age}` : '',
  ].filter(Boolean).join(' ');
  return new LoginRequiredError(`${result.method} ${result.displayUrl} answered ${c.status} ${c.error}: it needs ${describeAsk(ask)}`, {
    status: c.status,
    hint: `run \`oauthctl login -p ${profile} ${flags}\` (on a terminal, \`call\` does this by itself)`,
  });
}

/** RFC 6750 §3: a 401/403 names what is wrong with the token in `WWW-Authenticate`. */
function apiHint(res: Response): { hint?: string } {
  if (res.status !== 401 && res.status !== 403) return {};
  const challenge = res.headers.get('www-authenticate') ?? '';
  const error = /\berror="?([^",\s]+)/i.exec(challenge)?.[1];
  if (error === 'insufficient_scope') return { hint: 'the token lacks a scope this API needs: log in again with --scope' };
  if (res.status === 401) return { hint: 'the API did not accept the token even after a renewal: check its audience (--audience/--resource) and scope' };
  return {};
}

async function renderText(result: CallResult, session: Session, guard: ReadGuard, include: boolean): Promise<void> {
  const res = result.response;
  const out = sink(session.io.stdout);
  if (include) {
    let head = `HTTP/1.1 ${res.status}${res.statusText ? ` ${res.statusText}` : ''}\n`;
    res.headers.forEach((value, name) => (head += `${name}: ${value}\n`));
    await out.write(forPerson(`${head}\n`, () => false)); // the head is for a person; the body is data
  }
  if (!res.body) return;
  const body = res.body as ReadableStream<Uint8Array>;
  if (session.io.stdoutIsTTY && isJson(res.headers.get('content-type'))) {
    // Small JSON on a terminal is pretty-printed; anything larger streams unchanged.
    const head = await readUpTo(body, PRETTY_MAX_BYTES, guard);
    if (head.complete) {
      const text = Buffer.concat(head.chunks).toString('utf8');
      await out.write(prettyJson(text) ?? text);
      return;
    }
    for (const chunk of head.chunks) await out.write(chunk);
    await copyBody(head.reader, out, guard);
    return;
  }
  await copyBody(body.getReader(), out, guard);
}

async function renderJson(result: CallResult, session: Session, guard: ReadGuard): Promise<void> {
  const res = result.response;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  });
  let body: unknown = null;
  if (res.body) {
    const read = await readUpTo(res.body as ReadableStream<Uint8Array>, JSON_OUTPUT_MAX_BYTES, guard);
    if (!read.complete) {
      await read.reader.cancel().catch(() => {});
      throw new UsageError(`the answer from ${result.displayUrl} is larger than ${JSON_OUTPUT_MAX_BYTES / 1024 / 1024} MiB: -o json holds it in memory`, {
        code: 'response_too_large',
        hint: 'drop -o json to stream the body to stdout (add -i for the status and headers)',
      });
    }
    const text = Buffer.concat(read.chunks).toString('utf8');
    body = text;
    if (isJson(res.headers.get('content-type')) || /^\s*[[{]/.test(text)) {
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON after all: the text as sent.
      }
    }
  }
  session.printJson({ status: res.status, headers, body });
}

function isJson(contentType: string | null): boolean {
  return /^\s*(application|text)\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType ?? '');
}

function prettyJson(text: string): string | undefined {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return undefined;
  }
}

import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { prepareCall, type BearerPlacement, type BodyReader, type CallResult } from '../../app/call-api.js';
import { callWithStepUp, describeAsk, type StepUpAsk } from '../../app/step-up.js';
import { ApiError, LoginRequiredError, OauthctlError, UsageError } from '../../errors.js';
import { toTransportError } from '../../http/errors.js';
import { chunkReclaimer, sink, type Sink } from '../../io/sink.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions } from '../settings.js';
import { narrowTokens } from '../../app/narrow-token.js';
import { targetFromOptions } from '../narrow.js';

/** On a terminal, a JSON answer up to this size is pretty-printed; larger ones stream as sent. */
export const PRETTY_MAX_BYTES = 5 * 1024 * 1024;
/** `-o json` buffers the whole answer into one document; beyond this it refuses. */
export const JSON_OUTPUT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * `oauthctl call METHOD URL|/PATH`: the API's answer on stdout, streamed (never held whole in
 * memory), `-i` adds the status line and headers first, `-o json` gives `{ status, headers, body }`.
 * A status >= 400 still prints the body, then fails with exit 6.
 */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const [method = '', target = ''] = input.args;
  const opts = input.opts;
  if (opts.clientSecretStdin && (opts.data === '@-' || opts.json === '@-')) {
    throw new UsageError('stdin cannot hold both the client secret and the request body', {
      hint: 'give the secret with OAUTHCTL_CLIENT_SECRET, or the body with -d @FILE',
    });
  }
  const req = await acquireRequestFrom(session, parseTokenCommandOptions(opts));
  const settings = req.settings;
  const spec = await prepareCall(
    {
      method,
      target,
      ...(settings.api_base_url !== undefined ? { baseUrl: settings.api_base_url } : {}),
      headers: Array.isArray(opts.header) ? (opts.header as string[]) : [],
      ...(typeof opts.data === 'string' ? { data: opts.data } : {}),
      ...(typeof opts.json === 'string' ? { json: opts.json } : {}),
      ...(typeof opts.bearerIn === 'string' ? { bearerIn: opts.bearerIn as BearerPlacement } : {}),
    },
    bodyReader(session),
    session.app,
  );
  const narrow = targetFromOptions(opts);
  const { result, unmet, steppedUp } = await callWithStepUp(
    spec,
    req,
    session.app,
    { ...(session.io.canPrompt ? { interaction: async () => (await import('../interaction.js')).cliInteraction(session, {}) } : {}) },
    narrow ? narrowTokens(narrow) : undefined,
  );

  if (session.json) await renderJson(result, session);
  else await renderText(result, session, opts.include === true);

  const res = result.response;
  if (unmet && !steppedUp) throw stepUpRequired(result, unmet, req.profile);
  if (res.status >= 400) {
    throw new ApiError(`http_${res.status}`, `${result.method} ${result.displayUrl} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, {
      status: res.status,
      ...apiHint(res),
    });
  }
}

// `call` keeps reading its raw input in run until its own typed options parser exists.
export const command = defineCommand((input: CommandInput) => input, run);

/** `-d @FILE` and `@-`: the bytes as they are (no newline stripping, unlike curl's `-d @file`). */
function bodyReader(session: Session): BodyReader {
  return async (source) => {
    if ('stdin' in source) return readAllBytes(session.io.stdin);
    try {
      return await readFile(source.file);
    } catch (err) {
      throw new UsageError(`cannot read ${source.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
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

async function renderText(result: CallResult, session: Session, include: boolean): Promise<void> {
  const res = result.response;
  const out = sink(session.io.stdout);
  if (include) {
    let head = `HTTP/1.1 ${res.status}${res.statusText ? ` ${res.statusText}` : ''}\n`;
    res.headers.forEach((value, name) => (head += `${name}: ${value}\n`));
    await out.write(`${head}\n`);
  }
  if (!res.body) return;
  const body = res.body as ReadableStream<Uint8Array>;
  if (session.io.stdoutIsTTY && isJson(res.headers.get('content-type'))) {
    // Small JSON on a terminal is pretty-printed; anything larger streams unchanged.
    const head = await readUpTo(body, PRETTY_MAX_BYTES, result, session);
    if (head.complete) {
      const text = Buffer.concat(head.chunks).toString('utf8');
      await out.write(prettyJson(text) ?? text);
      return;
    }
    for (const chunk of head.chunks) await out.write(chunk);
    await copy(head.reader, out, result, session);
    return;
  }
  await copy(body.getReader(), out, result, session);
}

async function renderJson(result: CallResult, session: Session): Promise<void> {
  const res = result.response;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  });
  let body: unknown = null;
  if (res.body) {
    const read = await readUpTo(res.body as ReadableStream<Uint8Array>, JSON_OUTPUT_MAX_BYTES, result, session);
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

/** Reads at most `max` bytes; `complete` when the body ended within them. */
async function readUpTo(
  body: ReadableStream<Uint8Array>,
  max: number,
  result: CallResult,
  session: Session,
): Promise<{ complete: boolean; chunks: Uint8Array[]; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= max) {
    const next = await readChunk(reader, result, session);
    if (next.done) return { complete: true, chunks, reader };
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  return { complete: false, chunks, reader };
}

async function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  result: CallResult,
  session: Session,
): ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> {
  if (session.signal.aborted) {
    await reader.cancel().catch(() => {});
    throw session.signal.reason;
  }
  try {
    return await reader.read();
  } catch (err) {
    if (err instanceof OauthctlError) throw err;
    throw toTransportError(err, result.displayUrl, session.timeoutSeconds ?? 30);
  }
}

/**
 * Copies the body to stdout one chunk at a time, waiting for 'drain' whenever stdout's buffer
 * is full, so memory stays flat however large the answer (a 1 GiB download stays near the
 * baseline). stdout is not ended: main still writes to it. A reader that went away (EPIPE,
 * `| head`) ends the copy quietly, as other Unix tools do.
 */
async function copy(reader: ReadableStreamDefaultReader<Uint8Array>, out: Sink, result: CallResult, session: Session): Promise<void> {
  const reclaim = chunkReclaimer();
  try {
    for (;;) {
      const next = await readChunk(reader, result, session);
      if (next.done) return;
      await out.write(next.value);
      reclaim(next.value.byteLength);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw err;
  }
}

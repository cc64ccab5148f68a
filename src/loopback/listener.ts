/**
 * The redirect listener of the browser flows: an HTTP server on the loopback interface that waits
 * for the one authorization response (the legacy implicit flow plugs in its `relay`).
 *
 * It knows nothing about tokens. It binds 127.0.0.1 only (never 0.0.0.0 or ::), accepts `GET` on
 * the callback path, hands the parameters to the caller's {@link CallbackCheck}, delivers the first
 * callback that passes it exactly once, answers that browser window, and shuts down. It has no
 * timers of its own: the caller owns the timeout through `signal`.
 *
 * @see RFC 8252 §7.3 (loopback interface redirection: `http://127.0.0.1:{port}/{path}`, any port)
 * @see RFC 8252 §8.3 (bind the loopback interface only; prefer the IP literal to `localhost`)
 * @see RFC 6749 §4.1.2 (authorization response in the query)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InterruptedError, TransportError, UsageError } from '../errors.js';
import {
  alreadyDonePage,
  authorizationErrorPage,
  badRequestPage,
  internalErrorPage,
  methodNotAllowedPage,
  notFoundPage,
  type Page,
  quietNotFound,
  rejectedCallbackPage,
  successPage,
  tooLargePage,
} from './pages.js';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Decides whether a callback belongs to this login (`state` matches, RFC 9207 `iss` matches, …).
 * A failing check gets an HTTP 400 page showing `reason`, and the wait goes on.
 */
export interface CallbackCheck {
  (params: URLSearchParams): { ok: true } | { ok: false; reason: string };
}

/** How a response that is not in the query reaches the listener: a page that relays it back. */
export interface CallbackRelay {
  /** Methods the relay uses besides GET. */
  readonly methods: readonly string[];
  /** The answer to a GET of the callback path without a query. */
  page(): Page;
  /** The relayed parameters from a request using one of `methods`, or the page to answer instead. */
  receive(req: IncomingMessage, budget: number): Promise<{ params: URLSearchParams } | { page: Page; close: boolean } | 'aborted'>;
}

export interface LoopbackOptions {
  /** The port to bind on 127.0.0.1; 0 picks an ephemeral one (RFC 8252 §7.3 allows any port). */
  port: number;
  /** The callback path, e.g. `/callback`; only this exact path is a callback. */
  path: string;
  /** Run on every callback; the first one it accepts is delivered. */
  check: CallbackCheck;
  /**
   * For a response the browser does not put in the query (the implicit flow's fragment:
   * `fragmentRelay` in implicit-relay.ts): answers a GET of the path without a query, and reads the
   * parameters it relays back. Without one, only `GET` with a query is a callback.
   */
  relay?: CallbackRelay;
  /** Abort closes the listener and rejects `result` with `signal.reason`. */
  signal?: AbortSignal;
  /** Cap on a request's headers (HTTP 431) and headers + body (HTTP 413). Default 16 KiB. */
  maxRequestBytes?: number;
}

export interface Loopback {
  /** The port actually bound. */
  port: number;
  /** The address actually bound: always `127.0.0.1`. */
  address: string;
  /**
   * The redirect URI to send, with `host` as the caller wants it (`127.0.0.1`, the default, or
   * `localhost` for servers that accept nothing else; RFC 8252 §8.3). The listener binds
   * 127.0.0.1 either way.
   */
  redirectUri(host?: string): string;
  /**
   * Resolves with the parameters of the first callback that passes `check` (this includes
   * `error=…` responses whose state matches: the caller turns those into OAuth errors), once its
   * page is sent and the port no longer accepts connections. Rejects with `signal.reason` on
   * abort, with {@link InterruptedError} when `close()` comes first, or with the error a `check`
   * threw. A rejection nobody awaits is not reported as unhandled.
   */
  result: Promise<URLSearchParams>;
  /**
   * Stops accepting, lets a callback page being sent finish, drops every other connection, and
   * resolves once the port is closed. Idempotent.
   */
  close(): Promise<void>;
}

/** RFC 8252 §8.3: the loopback IP literal, never a wildcard address. */
export const LOOPBACK_HOST = '127.0.0.1';
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024;
/** How long open connections may still finish their request after the listener stopped. */
export const CLOSE_GRACE_MS = 200;

/**
 * Starts the redirect listener on 127.0.0.1:`port`.
 *
 * Throws `UsageError` with code `port_in_use` when the port is busy (EADDRINUSE) or may not be
 * bound (EACCES), and `signal.reason` when `signal` is already aborted.
 *
 * @see RFC 8252 §7.3, §8.3
 */
export async function startLoopback(opts: LoopbackOptions): Promise<Loopback> {
  const path = normalizeCallbackPath(opts.path);
  assertValidPort(opts.port);
  const maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  opts.signal?.throwIfAborted();

  let settled = false;
  let resolveResult!: (params: URLSearchParams) => void;
  let rejectResult!: (reason: unknown) => void;
  const result = new Promise<URLSearchParams>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // The caller may stop listening to `result` (it failed elsewhere and just calls close()).
  result.catch(() => undefined);
  const settle = (outcome: { params: URLSearchParams } | { error: unknown }): void => {
    if (settled) return;
    settled = true;
    if ('params' in outcome) resolveResult(outcome.params);
    else rejectResult(outcome.error);
  };

  /** `waiting` for a callback; `done` once one was accepted (later ones are only answered). */
  let phase: 'waiting' | 'done' = 'waiting';
  /** The page of the accepted callback being written: close() lets it finish first. */
  let delivering: Promise<void> | undefined;

  const server = createServer({ maxHeaderSize: maxRequestBytes }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only a bug gets here (handle() answers every request itself).
      if (!res.headersSent) send(res, internalErrorPage(), true);
      shutdown(error, false);
    });
  });
  const serverClosed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Node would answer a parse error itself; answer with our page (431 for oversized headers).
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const page = error.code === 'HPE_HEADER_OVERFLOW' ? tooLargePage(431) : badRequestPage();
    socket.end(rawResponse(page));
  });

  await listen(server, opts.port);
  if (opts.signal?.aborted) {
    server.close();
    await serverClosed;
    throw opts.signal.reason;
  }
  server.on('error', (error) => {
    shutdown(new TransportError('network', `the loopback listener failed: ${error.message}`, { cause: error }), true);
  });
  const port = (server.address() as AddressInfo).port;

  let stopped = false;
  /**
   * Stop accepting connections. Connections already open (a second tab's callback racing the
   * first) are answered during `close()`'s grace period, then cut.
   */
  const stopListening = (): void => {
    if (stopped) return;
    stopped = true;
    server.close();
  };

  /** Why the listener is being shut down before a delivery: `result` rejects with it. */
  let shutdownReason: { error: unknown } | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      opts.signal?.removeEventListener('abort', onAbort);
      stopListening();
      await delivering;
      await Promise.race([serverClosed, delay(CLOSE_GRACE_MS, undefined, { ref: false })]);
      server.closeAllConnections();
      await serverClosed;
      // Settled only once the port is closed: "rejected" also means "nothing listens any more".
      settle(shutdownReason ?? { error: new InterruptedError() });
    })();
    return closing;
  };

  /** Shut down without delivering; the first reason given is the one `result` rejects with. */
  function shutdown(error: unknown, dropPending: boolean): void {
    shutdownReason ??= { error };
    phase = 'done';
    if (dropPending) delivering = undefined;
    void close();
  }

  function onAbort(): void {
    shutdown(opts.signal?.reason, true);
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseRequestTarget(req.url);
    if (url === undefined) return send(res, badRequestPage(), phase === 'done');
    if (url.pathname === '/favicon.ico') return send(res, quietNotFound(), phase === 'done');
    if (url.pathname !== path) return send(res, notFoundPage(), phase === 'done');

    const allow = ['GET', ...(opts.relay?.methods ?? [])];
    if (!allow.includes(req.method ?? '')) return send(res, methodNotAllowedPage(allow), phase === 'done');

    const bodyBudget = maxRequestBytes - headerBytes(req);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!Number.isFinite(declared) || declared > bodyBudget) return send(res, tooLargePage(413), true);

    let params: URLSearchParams;
    if (req.method !== 'GET' && opts.relay) {
      const relayed = await opts.relay.receive(req, bodyBudget);
      if (relayed === 'aborted') return void res.destroy();
      if ('page' in relayed) return send(res, relayed.page, relayed.close || phase === 'done');
      params = relayed.params;
    } else if (opts.relay && url.search === '') {
      if (phase === 'done') return send(res, alreadyDonePage(), true);
      return send(res, opts.relay.page(), false);
    } else {
      params = url.searchParams;
    }

    if (phase === 'done') return send(res, alreadyDonePage(), true);
    let verdict: ReturnType<CallbackCheck>;
    try {
      verdict = opts.check(params);
    } catch (error) {
      // A throwing check is a bug, not a foreign callback: end the wait with it.
      phase = 'done';
      delivering = responseDone(res);
      send(res, internalErrorPage(), true);
      return shutdown(error, false);
    }
    if (!verdict.ok) return send(res, rejectedCallbackPage(verdict.reason), false);
    deliver(res, params);
  }

  /** The accepted callback: answer it, stop accepting once the page is out, then resolve. */
  function deliver(res: ServerResponse, params: URLSearchParams): void {
    phase = 'done';
    const error = params.get('error');
    const page = error === null ? successPage() : authorizationErrorPage(error, params.get('error_description') ?? undefined);
    delivering = responseDone(res).then(() => {
      stopListening();
      settle({ params });
    });
    send(res, page, true);
  }

  return {
    port,
    address: (server.address() as AddressInfo).address,
    redirectUri: (host = LOOPBACK_HOST) => `http://${formatHost(host)}:${port}${path}`,
    result,
    close,
  };
}

/** Settles when the response has been handed to the OS, or its connection is gone. */
function responseDone(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.once('finish', () => resolve());
    res.once('close', () => resolve());
  });
}

function send(res: ServerResponse, page: Page, closeConnection: boolean): void {
  const headers: Record<string, string> = { ...page.headers };
  if (closeConnection) headers['Connection'] = 'close';
  res.writeHead(page.status, headers);
  res.end(page.body);
}

/** A whole HTTP/1.1 response for a socket the HTTP parser gave up on. */
function rawResponse(page: Page): string {
  const reason = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' }[page.status] ?? 'Error';
  const headers = Object.entries({ ...page.headers, Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${page.status} ${reason}\r\n${headers.join('')}\r\n${page.body}`;
}

/** About how many bytes the request line and headers took (the part `maxHeaderSize` caps). */
function headerBytes(req: IncomingMessage): number {
  let total = Buffer.byteLength(`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}\r\n\r\n`);
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    total += Buffer.byteLength(req.rawHeaders[i] ?? '') + Buffer.byteLength(req.rawHeaders[i + 1] ?? '') + 4;
  }
  return total;
}


/** The request target as a URL, or undefined when it is not one. */
function parseRequestTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', `http://${LOOPBACK_HOST}`);
  } catch {
    return undefined;
  }
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function normalizeCallbackPath(path: string): string {
  if (path === '') return '/';
  if (!path.startsWith('/') || /[?#]/.test(path)) {
    throw new UsageError(`invalid callback path: ${path}`, { hint: 'use a path such as /callback' });
  }
  return path;
}

function assertValidPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`invalid port: ${port}`, { hint: 'use a port between 1 and 65535, or 0 for any free port' });
  }
}

/** Binds 127.0.0.1:`port`; a busy or forbidden port is the user's to fix (exit 2). */
function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        const what = error.code === 'EADDRINUSE' ? 'is already in use' : 'may not be bound (permission denied)';
        reject(new UsageError(`port ${port} on ${LOOPBACK_HOST} ${what}`, {
          code: 'port_in_use',
          hint: 'choose another with --port, or free it',
          cause: error,
        }));
      } else {
        reject(new TransportError('network', `cannot listen on ${LOOPBACK_HOST}:${port}: ${error.message}`, { cause: error }));
      }
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: LOOPBACK_HOST, port, exclusive: true });
  });
}

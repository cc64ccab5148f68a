import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ProtocolError, UsageError } from '../errors.js';
import { jsonNestsDeeperThan, MAX_SERVER_JSON_DEPTH } from '../json.js';
import { errorCode, toTransportError } from './errors.js';
import { proxyFromEnv, proxySettings } from './proxy-env.js';
import { SECRET_FIELDS, type Redactor } from './redact.js';
import type { ClientCertificate, HttpClient, HttpRequest, HttpResponse } from './types.js';

export interface HttpClientOptions {
  /** Per request, seconds. */
  timeoutSeconds: number;
  /** PEM file with extra CA certificates (`--cacert`). */
  cacertPath?: string;
  /** Skip TLS verification (`--insecure`). */
  insecure: boolean;
  env: Record<string, string | undefined>;
  redactor: Redactor;
  /** `-v`: one call per trace line (stderr). */
  trace?: (line: string) => void;
  /** Largest buffered answer, bytes. */
  maxBodyBytes?: number;
  userAgent: string;
}

export interface StreamingHttpClient extends HttpClient {
  /** Sends the request and returns the live response, body unread (for `call`). */
  stream(req: HttpRequest): Promise<Response>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/**
 * The one HTTP client every request goes through: timeouts, proxies from the environment
 * (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, loopback included, as curl does), `--cacert`, `--insecure`,
 * and `-v` tracing with secrets redacted. undici is imported on first use only.
 */
export function createHttpClient(options: HttpClientOptions): StreamingHttpClient {
  // One agent per client certificate (RFC 8705), '' for none: connections never mix identities.
  const dispatchers = new Map<string, Promise<import('undici').Dispatcher>>();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

  const getDispatcher = (cert: ClientCertificate | undefined) => {
    const id = cert === undefined ? '' : `${cert.certPath}\0${cert.keyPath}`;
    let found = dispatchers.get(id);
    if (found === undefined) {
      found = buildDispatcher(options, cert);
      dispatchers.set(id, found);
    }
    return found;
  };
  const proxy = proxySettings(options.env);
  const directByDefault = !options.cacertPath && !options.insecure && !proxyFromEnv(proxy);
  // Credentials in a proxy URL are used (undici sends them as Proxy-Authorization), never shown.
  for (const url of [proxy.httpProxy, proxy.httpsProxy]) rememberUrlCredentials(options.redactor, url);

  /**
   * Sends the request under a deadline of `timeoutSeconds`. The caller ends the deadline with
   * `settle()`: after the whole body for protocol answers, right after the headers for streams
   * (a long download is bounded by undici's idle `bodyTimeout` instead).
   */
  async function send(req: HttpRequest): Promise<{ res: Response; settle: () => void }> {
    // Node's own fetch when nothing needs a custom agent (it honours NODE_EXTRA_CA_CERTS itself);
    // the undici package, with its agents, for proxies, `--cacert`, `--insecure` and client certificates.
    const direct = directByDefault && req.clientCertificate === undefined;
    const fetch = direct ? (globalThis.fetch as unknown as typeof import('undici').fetch) : (await import('undici')).fetch;
    const headers: Record<string, string> = { 'user-agent': options.userAgent, ...req.headers };
    let body: string | Uint8Array | undefined;
    if (req.body instanceof URLSearchParams) {
      body = req.body.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else {
      body = req.body;
    }
    rememberRequestSecrets(options.redactor, headers, body);
    traceRequest(options, req.method, req.url, headers, body);
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException(`no answer within ${options.timeoutSeconds}s`, 'TimeoutError')),
      options.timeoutSeconds * 1000,
    );
    const settle = () => clearTimeout(timer);
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers,
        body,
        redirect: 'manual',
        ...(direct ? {} : { dispatcher: await getDispatcher(req.clientCertificate) }),
        signal: deadline.signal,
      });
      traceResponseHead(options, res, performance.now() - started);
      return { res: res as unknown as Response, settle };
    } catch (err) {
      settle();
      const why = await withTlsAlert(err, options, req, proxyFromEnv(proxy));
      throw toTransportError(why, options.redactor.url(req.url), options.timeoutSeconds, { clientCertificate: req.clientCertificate !== undefined });
    }
  }

  return {
    async stream(req) {
      const { res, settle } = await send(req);
      settle();
      return res;
    },
    async request(req) {
      const { res, settle } = await send(req);
      let text: string;
      try {
        text = await readCapped(res, maxBody, options, req.url);
      } finally {
        settle();
      }
      if (jsonNestsDeeperThan(text, MAX_SERVER_JSON_DEPTH)) {
        // SPEC "Safety": refused before any part of oauthctl parses or walks it (exit 4).
        throw new ProtocolError('response_nested_too_deep', `${options.redactor.url(req.url)} answered JSON nested more than ${MAX_SERVER_JSON_DEPTH} levels deep`, {
          check: 'jsonNestsDeeperThan',
          expected: MAX_SERVER_JSON_DEPTH,
        }, { status: res.status });
      }
      if (options.trace && text) {
        options.trace(`< ${options.redactor.body(text, res.headers.get('content-type'))}`);
      }
      return {
        status: res.status,
        statusText: res.statusText,
        url: req.url,
        headers: res.headers,
        text,
      } satisfies HttpResponse;
    },
    async close() {
      await Promise.all([...dispatchers.values()].map(async (d) => (await d).close()));
    },
  };
}

/**
 * Whatever secret this request carries (Basic credentials, secret form fields such as
 * `client_secret`, `password`, `client_assertion`) is scrubbed from anything printed later, in
 * every form a server may echo it (SPEC "Safety").
 */
function rememberRequestSecrets(redactor: Redactor, headers: Record<string, string>, body: string | Uint8Array | undefined): void {
  for (const name of ['authorization', 'proxy-authorization']) {
    const value = headers[name];
    if (value !== undefined) redactor.addBasicCredentials(value);
  }
  if (typeof body !== 'string' || !/^\s*application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '')) return;
  for (const [key, value] of new URLSearchParams(body)) {
    if (SECRET_FIELDS.has(key)) redactor.addSecret(value);
  }
}

function rememberUrlCredentials(redactor: Redactor, url: string | undefined): void {
  if (!url || !URL.canParse(url)) return;
  const { username, password } = new URL(url);
  for (const part of [username, password]) {
    if (!part) continue;
    redactor.addSecret(part);
    try {
      redactor.addSecret(decodeURIComponent(part));
    } catch {
      // not percent-encoded after all
    }
  }
}

async function buildDispatcher(options: HttpClientOptions, cert: ClientCertificate | undefined): Promise<import('undici').Dispatcher> {
  const { Agent, EnvHttpProxyAgent } = await import('undici');
  // A stream that sends nothing for this long is dead (`call` downloads have no overall deadline).
  const idle = { bodyTimeout: options.timeoutSeconds * 1000, headersTimeout: options.timeoutSeconds * 1000 };
  const tls = tlsOptions(options, cert);
  const { httpProxy, httpsProxy, noProxy } = proxySettings(options.env);
  if (httpProxy || httpsProxy) {
    return new EnvHttpProxyAgent({
      httpProxy: httpProxy ?? '',
      httpsProxy: httpsProxy ?? httpProxy ?? '',
      noProxy: noProxy ?? '',
      connect: tls,
      requestTls: tls,
      // As curl does: http:// targets are sent to the proxy as absolute-URI requests; only
      // https:// targets use a CONNECT tunnel (some proxies allow CONNECT to port 443 only).
      proxyTunnel: false,
      ...idle,
    });
  }
  return new Agent({ connect: tls, ...idle });
}

/** CA (`--cacert`), `--insecure`, and the client certificate (RFC 8705 §2). */
function tlsOptions(options: HttpClientOptions, cert: ClientCertificate | undefined): TlsOptions {
  const tls: TlsOptions = {};
  if (options.insecure) tls.rejectUnauthorized = false;
  // On the direct connection and inside a proxy's tunnel alike.
  if (cert !== undefined) Object.assign(tls, { cert: cert.cert, key: cert.key });
  if (options.cacertPath) tls.ca = [...rootCertificates, ...extraCas(options)];
  return tls;
}

type TlsOptions = { ca?: string[]; rejectUnauthorized?: boolean; cert?: string; key?: string };

/**
 * A closed connection to an https:// server reached directly may be a TLS 1.3 alert undici did
 * not report (a refused or missing client certificate): one bare handshake finds out.
 */
async function withTlsAlert(err: unknown, options: HttpClientOptions, req: HttpRequest, proxied: boolean): Promise<unknown> {
  const code = errorCode(err);
  if (proxied || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') || !URL.canParse(req.url)) return err;
  const url = new URL(req.url);
  if (url.protocol !== 'https:') return err;
  const { CLOSED_AFTER_HANDSHAKE, probeTlsAlert } = await import('./tls-probe.js');
  const alert = await probeTlsAlert(url, tlsOptions(options, req.clientCertificate), options.timeoutSeconds * 1000);
  // Closed without a word after the handshake means something only when we presented a certificate.
  return alert === undefined || (alert === CLOSED_AFTER_HANDSHAKE && req.clientCertificate === undefined)
    ? err : Object.assign(new Error(`TLS alert from the server (${alert})`, { cause: err }), { code: alert });
}

/** `--cacert` adds to the default roots; keep NODE_EXTRA_CA_CERTS, which `ca` would otherwise drop. */
function extraCas(options: HttpClientOptions): string[] {
  const files = [options.cacertPath, options.env.NODE_EXTRA_CA_CERTS].filter((f): f is string => !!f);
  return files.map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  });
}

async function readCapped(res: Response, maxBytes: number, options: HttpClientOptions, url: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        await res.body.cancel().catch(() => {});
        throw new ProtocolError('response_exceeds_cap', `answer from ${options.redactor.url(url)} is larger than ${maxBytes} bytes`, {
          check: 'readCapped',
          expected: maxBytes,
        });
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw toTransportError(err, options.redactor.url(url), options.timeoutSeconds);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function traceRequest(
  options: HttpClientOptions,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
): void {
  const trace = options.trace;
  if (!trace) return;
  const r = options.redactor;
  trace(`> ${method} ${r.url(url)}`);
  for (const [name, value] of Object.entries(headers)) trace(`> ${name}: ${r.header(name, value)}`);
  if (typeof body === 'string') {
    if (body) trace(`> ${r.body(body, headers['content-type'] ?? null)}`);
  } else if (body) {
    trace(`> (${body.byteLength} bytes)`);
  }
}

function traceResponseHead(options: HttpClientOptions, res: { status: number; statusText: string; headers: Headers }, ms: number): void {
  const trace = options.trace;
  if (!trace) return;
  trace(`< ${res.status} ${res.statusText} (${Math.round(ms)} ms)`);
  res.headers.forEach((value, name) => trace(`< ${name}: ${options.redactor.header(name, value)}`));
}

import { createHash } from 'node:crypto';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { startLoopback, type Loopback, type LoopbackOptions } from '../../src/loopback/listener.js';
import { fragmentRelay, implicitRelay } from '../../src/loopback/implicit-relay.js';
import { authorizationErrorPage, escapeHtml, rejectedCallbackPage } from '../../src/loopback/pages.js';

const STATE = 'state-0123456789';

const started: Loopback[] = [];
const blockers: Server[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((lb) => lb.close()));
  await Promise.all(blockers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Accepts callbacks whose `state` is STATE, as the login use case does (assertStateMatches). */
function stateCheck(params: URLSearchParams): { ok: true } | { ok: false; reason: string } {
  const state = params.get('state');
  if (state === null) return { ok: false, reason: 'the response has no state' };
  return state === STATE ? { ok: true } : { ok: false, reason: `state mismatch: got ${state}` };
}

async function start(opts: Partial<LoopbackOptions> = {}): Promise<Loopback> {
  const lb = await startLoopback({ port: 0, path: '/callback', check: stateCheck, ...opts });
  started.push(lb);
  return lb;
}

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** 'pending' when `p` has not settled after a few event-loop turns. */
async function stateOf(p: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  const timeout = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 30));
  return Promise.race([p.then(() => 'resolved' as const, () => 'rejected' as const), timeout]);
}

/** Whether a TCP connection to host:port is refused (or otherwise fails) rather than accepted. */
function refuses(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** A raw connection: write bytes as they should arrive, then read everything the server sent until it closed. */
function rawConnection(port: number): Promise<{ write(data: string): void; destroy(): void; response(): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<string>((done) => {
      socket.once('close', () => done(received));
    });
    socket.once('error', reject);
    socket.once('connect', () => resolve({ write: (data) => socket.write(data), destroy: () => socket.destroy(), response: () => ended }));
  });
}

describe('startLoopback (RFC 8252 §7.3, §8.3)', () => {
  it('binds an ephemeral port on 127.0.0.1 and builds the redirect URI for either host', async () => {
    const lb = await start();
    expect(lb.port).toBeGreaterThan(0);
    expect(lb.address).toBe('127.0.0.1');
    expect(lb.redirectUri()).toBe(`http://127.0.0.1:${lb.port}/callback`);
    expect(lb.redirectUri('localhost')).toBe(`http://localhost:${lb.port}/callback`);
    expect(lb.redirectUri('::1')).toBe(`http://[::1]:${lb.port}/callback`);
  });

  it('listens on 127.0.0.1 only, not on ::1 or other interfaces', async () => {
    const lb = await start();
    expect(await refuses(lb.port, '127.0.0.1')).toBe(false);
    expect(await refuses(lb.port, '::1')).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((info) => info !== undefined && info.family === 'IPv4' && !info.internal);
    if (external) expect(await refuses(lb.port, external.address)).toBe(true);
  });

  it('fails with port_in_use naming the port when it is busy', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const error = await startLoopback({ port, path: '/callback', check: stateCheck }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'port_in_use', hint: 'choose another with --port, or free it' });
    expect((error as Error).message).toBe(`port ${port} on 127.0.0.1 is already in use`);
  });

  it('rejects an invalid port or path as usage errors', async () => {
    await expect(startLoopback({ port: 70000, path: '/callback', check: stateCheck })).rejects.toBeInstanceOf(UsageError);
    await expect(startLoopback({ port: 0, path: 'callback', check: stateCheck })).rejects.toBeInstanceOf(UsageError);
  });

  it('delivers a valid code callback once, answers the success page, then stops listening', async () => {
    const lb = await start();
    const page = await get(`${lb.redirectUri()}?code=the-secret-code&state=${STATE}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in — you can close this window and return to the terminal.');
    expect(page.body).not.toContain('the-secret-code');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).not.toContain('script-src');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const params = await lb.result;
    expect(params.get('code')).toBe('the-secret-code');
    expect(await refuses(lb.port)).toBe(true);
  });

  it('answers a wrong state with 400 and keeps waiting for the valid callback', async () => {
    const lb = await start();
    const wrong = await get(`${lb.redirectUri()}?code=c1&state=<b>other</b>`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('state mismatch: got &lt;b&gt;other&lt;/b&gt;');
    expect(wrong.body).not.toContain('<b>other</b>');
    const missing = await get(`${lb.redirectUri()}?code=c1`);
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('the response has no state');
    expect(await stateOf(lb.result)).toBe('pending');

    expect((await get(`${lb.redirectUri()}?code=c2&state=${STATE}`)).status).toBe(200);
    expect((await lb.result).get('code')).toBe('c2');
  });

  it('delivers error=access_denied with the right state, with a failure page showing it', async () => {
    const lb = await start();
    const query = new URLSearchParams({ error: 'access_denied', error_description: 'The user said no', state: STATE });
    const page = await get(`${lb.redirectUri()}?${query}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Sign-in failed');
    expect(page.body).toContain('<code>access_denied</code>');
    expect(page.body).toContain('The user said no');
    const params = await lb.result;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toBe('The user said no');
  });

  it('escapes <script> in error_description on the failure page', async () => {
    const lb = await start();
    const query = new URLSearchParams({ error: 'x"><script>1</script>', error_description: '<script>alert(1)</script>', state: STATE });
    const page = await get(`${lb.redirectUri()}?${query}`);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('x&quot;&gt;&lt;script&gt;1&lt;/script&gt;');
    expect(page.body).not.toMatch(/<script/i);
    await lb.result;
  });

  it('answers other paths with 404 and /favicon.ico with an empty 404', async () => {
    const lb = await start();
    const other = await get(`http://127.0.0.1:${lb.port}/other?code=c&state=${STATE}`);
    expect(other.status).toBe(404);
    expect(other.body).toContain('Not found');
    const favicon = await get(`http://127.0.0.1:${lb.port}/favicon.ico`);
    expect(favicon.status).toBe(404);
    expect(favicon.body).toBe('');
    const slash = await get(`http://127.0.0.1:${lb.port}/callback/?code=c&state=${STATE}`);
    expect(slash.status).toBe(404);
    expect(await stateOf(lb.result)).toBe('pending');
  });

  it('answers POST with 405 and Allow: GET when not implicit', async () => {
    const lb = await start();
    const page = await get(lb.redirectUri(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=c&state=${STATE}`,
    });
    expect(page.status).toBe(405);
    expect(page.headers.get('allow')).toBe('GET');
    expect((await get(lb.redirectUri(), { method: 'DELETE' })).status).toBe(405);
    expect(await stateOf(lb.result)).toBe('pending');
  });

  it('answers oversized headers with 431 without delivering them', async () => {
    const lb = await start({ maxRequestBytes: 2048 });
    const page = await get(`${lb.redirectUri()}?code=c1&state=${STATE}`, { headers: { 'x-padding': 'a'.repeat(4096) } });
    expect(page.status).toBe(431);
    expect(await stateOf(lb.result)).toBe('pending');
    expect((await get(`${lb.redirectUri()}?code=c2&state=${STATE}`)).status).toBe(200);
    expect((await lb.result).get('code')).toBe('c2');
  });

  it('answers a callback after the delivered one with "already done" and never delivers twice', async () => {
    const lb = await start();
    const delivered: string[] = [];
    void lb.result.then((p) => delivered.push(p.get('code') ?? ''));
    // A second browser tab already mid-request when the first callback lands.
    const late = await rawConnection(lb.port);
    late.write(`GET /callback?code=second&state=${STATE} HTTP/1.1\r\nHost: 127.0.0.1:${lb.port}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect((await get(`${lb.redirectUri()}?code=first&state=${STATE}`)).status).toBe(200);
    expect((await lb.result).get('code')).toBe('first');
    late.write('\r\n');
    const answer = await late.response();
    expect(answer).toMatch(/^HTTP\/1\.1 409 /);
    expect(answer).toContain('Already done');
    expect(answer).not.toContain('second');
    expect(delivered).toEqual(['first']);
  });

  it('delivers only one of two concurrent valid callbacks', async () => {
    const lb = await start();
    const pages = await Promise.all([
      get(`${lb.redirectUri()}?code=a&state=${STATE}`),
      get(`${lb.redirectUri()}?code=b&state=${STATE}`),
    ]);
    expect(pages.map((p) => p.status).sort()).toEqual([200, 409]);
    const code = (await lb.result).get('code');
    expect(pages[code === 'a' ? 0 : 1]?.status).toBe(200);
  });

  describe('implicit (RFC 6749 §4.2.2)', () => {
    it('serves a relay page whose only script is allowed by its CSP hash', async () => {
      const lb = await start({ relay: fragmentRelay });
      const page = await get(lb.redirectUri());
      expect(page.status).toBe(200);
      const script = /<script>([\s\S]*?)<\/script>/.exec(page.body)?.[1];
      expect(script).toBe(implicitRelay.script);
      expect(script).toContain('location.hash.slice(1)');
      const hash = `'sha256-${createHash('sha256').update(script ?? '').digest('base64')}'`;
      expect(hash).toBe(implicitRelay.hash);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain(`script-src ${hash}`);
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.body).not.toMatch(/\s(src|href)=/);
      expect(await stateOf(lb.result)).toBe('pending');
    });

    it('delivers the POSTed fragment and never shows the token', async () => {
      const lb = await start({ relay: fragmentRelay });
      const page = await get(lb.redirectUri(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=tok-secret&token_type=Bearer&state=${STATE}`,
      });
      expect(page.status).toBe(200);
      expect(page.body).toContain('Signed in');
      expect(page.body).not.toContain('tok-secret');
      const params = await lb.result;
      expect(params.get('access_token')).toBe('tok-secret');
      expect(params.get('token_type')).toBe('Bearer');
    });

    it('checks a POSTed fragment like a query: a wrong state gets 400 and the wait goes on', async () => {
      const lb = await start({ relay: fragmentRelay, maxRequestBytes: 2048 });
      const post = (body: string, type = 'application/x-www-form-urlencoded') =>
        get(lb.redirectUri(), { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post('access_token=t&state=nope')).status).toBe(400);
      expect((await post(`access_token=t&state=${STATE}`, 'application/json')).status).toBe(415);
      expect((await post(`access_token=${'t'.repeat(4096)}&state=${STATE}`)).status).toBe(413);
      // A chunked body (no Content-Length) is counted as it arrives.
      const chunked = await rawConnection(lb.port);
      chunked.write(
        `POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = `state=${STATE}&access_token=${'t'.repeat(1000)}`;
      for (let i = 0; i < 3; i++) chunked.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      chunked.write('0\r\n\r\n');
      expect(await chunked.response()).toMatch(/^HTTP\/1\.1 413 /);
      // A client that gives up half-way through its body does not end the wait.
      const quitter = await rawConnection(lb.port);
      quitter.write(
        `POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nstate=${STATE}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      quitter.destroy();
      expect((await get(lb.redirectUri(), { method: 'PUT' })).headers.get('allow')).toBe('GET, POST');
      expect(await stateOf(lb.result)).toBe('pending');
      // A GET with a query (an error response) is a normal callback.
      expect((await get(`${lb.redirectUri()}?error=access_denied&state=${STATE}`)).status).toBe(200);
      expect((await lb.result).get('error')).toBe('access_denied');
    }, 10_000);
  });

  it('on abort rejects result with the signal reason and stops listening', async () => {
    const controller = new AbortController();
    const lb = await start({ signal: controller.signal });
    const reason = new Error('timed out');
    controller.abort(reason);
    await expect(lb.result).rejects.toBe(reason);
    expect(await refuses(lb.port)).toBe(true);
  });

  it('refuses to start with an already aborted signal', async () => {
    const reason = new Error('already');
    await expect(start({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('close() is idempotent, closes the port, and rejects a pending result', async () => {
    const lb = await start();
    const first = lb.close();
    expect(lb.close()).toBe(first);
    await first;
    await lb.close();
    expect(await refuses(lb.port)).toBe(true);
    await expect(lb.result).rejects.toMatchObject({ code: 'interrupted' });
  });

  it('ends the wait with the error a throwing check raised', async () => {
    const bug = new Error('check bug');
    const lb = await start({
      check: () => {
        throw bug;
      },
    });
    expect((await get(`${lb.redirectUri()}?state=${STATE}`)).status).toBe(500);
    await expect(lb.result).rejects.toBe(bug);
    expect(await refuses(lb.port)).toBe(true);
  });
});

describe('loopback pages', () => {
  it('escapes every interpolated value', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const rejected = rejectedCallbackPage('<script>alert(1)</script>');
    expect(rejected.status).toBe(400);
    expect(rejected.body).not.toContain('<script>');
    const failed = authorizationErrorPage('invalid_scope', '<img src=x onerror=alert(1)>');
    expect(failed.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(failed.body).not.toContain('<img');
  });

  it('declares a correct Content-Length', () => {
    const page = authorizationErrorPage('access_denied', 'dénié — ✓');
    expect(page.headers['Content-Length']).toBe(String(Buffer.byteLength(page.body)));
  });
});

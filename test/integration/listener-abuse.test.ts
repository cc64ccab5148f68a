/**
 * The loopback redirect listener under abuse, through the built CLI (`login --no-browser` with the
 * public-native client against the real provider): whatever else reaches the port, only the one
 * valid callback ends the login (SPEC "Login details"; RFC 8252 §7.3, §8.3).
 *
 * Requests go over raw sockets so that the bytes, the methods and the timing are exactly the
 * test's: no client library normalises or limits them first.
 */
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { completeAuthorization } from '../fixtures/user-agent.js';
import { startCli, useFixture, type RunningCli } from './cli.js';

const t = useFixture();

const URL_LINE = /^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m;
const KIB = 1024;

interface Login {
  cli: RunningCli;
  authUrl: URL;
  redirectUri: URL;
  port: number;
  state: string;
}

/** Starts `login --no-browser` and waits until the listener is up. */
async function startLogin(): Promise<Login> {
  const cli = startCli(
    ['login', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid profile', '--no-browser'],
    { home: t.home, timeoutMs: 60_000 },
  );
  const authUrl = new URL((await cli.waitForStderr(URL_LINE))[1] as string);
  await cli.waitForStderr(/Waiting for the browser/);
  const redirectUri = new URL(authUrl.searchParams.get('redirect_uri') as string);
  return { cli, authUrl, redirectUri, port: Number(redirectUri.port), state: authUrl.searchParams.get('state') as string };
}

interface RawResponse {
  status: number | undefined;
  head: string;
  body: string;
}

/** A connected socket to 127.0.0.1:`port` (or `host`). */
function open(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Writes `request` on `socket` and collects the answer until the server closes. A reset after
 * the answer arrived (the server closing on unread request bytes) is not a failure.
 */
function exchange(socket: Socket, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), head, body });
    });
    socket.write(request);
  });
}

async function send(port: number, request: string | Buffer): Promise<RawResponse> {
  return exchange(await open(port), request);
}

function request(method: string, target: string, port: number, extra = '', body = ''): string {
  const length = body === '' && method === 'GET' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${extra}${length}\r\n${body}`;
}

/** true when nothing accepts a TCP connection at host:port. */
function refuses(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Ends the login with Ctrl+C and checks that it went: exit 130, port closed. */
async function interrupt(login: Login): Promise<void> {
  expect(login.cli.child.exitCode, 'the login should still be waiting').toBeNull();
  login.cli.child.kill('SIGINT');
  const res = await login.cli.done;
  expect(res.code, res.stderr).toBe(130);
  expect(await refuses(login.port, '127.0.0.1')).toBe(true);
}

/** Lets the real user log in and checks the login ends well. */
async function finish(login: Login): Promise<void> {
  expect(login.cli.child.exitCode, 'the login should still be waiting').toBeNull();
  const redirected = await completeAuthorization(login.authUrl.toString(), { username: 'alice' });
  const delivered = await fetch(redirected);
  expect(delivered.status).toBe(200);
  const res = await login.cli.done;
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toContain('Logged in as alice');
  expect(await refuses(login.port, '127.0.0.1')).toBe(true);
}

describe('the loopback listener of `login --no-browser`', () => {
  it('answers 404 on other paths and 405 on other methods, and keeps waiting for the real callback', async () => {
    const login = await startLogin();
    const path = login.redirectUri.pathname;
    const q = `?code=bogus&state=${encodeURIComponent(login.state)}`;

    for (const target of ['/', '/admin', `${path}/extra${q}`, `${path}x${q}`, '/favicon.ico']) {
      const res = await send(login.port, request('GET', target, login.port));
      expect(res.status, `GET ${target}`).toBe(404);
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await send(login.port, request(method, `${path}${q}`, login.port, 'Content-Type: application/x-www-form-urlencoded\r\n', `code=bogus&state=${login.state}`));
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.head).toMatch(/^allow: GET$/im);
    }
    // Nothing above carried a usable callback, though each had the right state: still waiting.
    await finish(login);
  });

  it('refuses 64 KiB of headers (431) and a 64 KiB query (414/431) without ending the login', async () => {
    const login = await startLogin();
    const callback = `${login.redirectUri.pathname}?code=bogus&state=${encodeURIComponent(login.state)}`;
    const tokenBefore = t.fixture.stats.endpointRequests.token ?? 0;

    const hugeHeaders = Array.from({ length: 64 }, (_, i) => `X-Pad-${i}: ${'a'.repeat(KIB - 12)}\r\n`).join('');
    const headers = await send(login.port, request('GET', callback, login.port, hugeHeaders));
    expect(headers.status, headers.head).toBe(431);

    const hugeQuery = await send(login.port, request('GET', `${callback}&pad=${'b'.repeat(64 * KIB)}`, login.port));
    expect([413, 414, 431], hugeQuery.head).toContain(hugeQuery.status);

    // A body larger than the cap, announced and sent: refused before it is read (405: GET only).
    const hugeBody = await send(login.port, request('POST', callback, login.port, 'Content-Type: application/x-www-form-urlencoded\r\n', `pad=${'c'.repeat(64 * KIB)}`));
    expect([405, 413], hugeBody.head).toContain(hugeBody.status);

    // The state was right each time: had the listener accepted one, the bogus code would have
    // gone to the token endpoint and ended the login with invalid_grant.
    expect(t.fixture.stats.endpointRequests.token ?? 0).toBe(tokenBefore);
    await interrupt(login);
  });

  it('takes the first of two concurrent valid callbacks and ignores the other: one code is exchanged', async () => {
    const login = await startLogin();
    const tokenBefore = t.fixture.stats.tokenRequests.authorization_code ?? 0;
    const real = new URL(await completeAuthorization(login.authUrl.toString(), { username: 'alice' }));
    expect(real.searchParams.get('state')).toBe(login.state);
    const forged = new URL(real);
    forged.searchParams.set('code', 'bogus-code-from-a-race');

    // Both connections are accepted before either request is written, then both are written at once.
    const targets = [real, forged].map((u) => `${u.pathname}${u.search}`);
    const sockets = await Promise.all(targets.map(() => open(login.port)));
    const answers = await Promise.all(sockets.map((s, i) => exchange(s, request('GET', targets[i] as string, login.port))));

    const accepted = answers.flatMap((a, i) => (a.status === 200 && /close/i.test(a.body) ? [i] : []));
    expect(accepted, JSON.stringify(answers.map((a) => a.head))).toHaveLength(1);
    const other = answers[1 - (accepted[0] as number)] as RawResponse;
    // The other one is answered with the listener's "already done" page, never the success page.
    expect(other.status, other.head).toBe(409);

    const res = await login.cli.done;
    // Exactly one code was exchanged: the one whose callback was taken.
    expect(t.fixture.stats.tokenRequests.authorization_code ?? 0).toBe(tokenBefore + 1);
    if (accepted[0] === 0) {
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toContain('Logged in as alice');
    } else {
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(/^oauthctl: .*invalid_grant/m);
    }
    expect(res.stderr).not.toContain('bogus-code-from-a-race');
    expect(await refuses(login.port, '127.0.0.1')).toBe(true);
  });

  it('binds 127.0.0.1 only: the same port on ::1 and on other local addresses refuses', async () => {
    const login = await startLogin();
    expect(await refuses(login.port, '127.0.0.1')).toBe(false);
    expect(await refuses(login.port, '::1')).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const address of others) expect(await refuses(login.port, address), address).toBe(true);
    await interrupt(login);
  });
});

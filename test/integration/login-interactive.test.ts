/**
 * Interactive grants through the built CLI, without a real browser: the password grant, the
 * loopback listener's behaviour (--no-browser, a forged callback, Ctrl+C) and --manual. The
 * "user" is the fixture's scripted user agent; tests/integration/login-browser.test.ts uses
 * headless Chromium.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { completeAuthorization } from '../fixtures/user-agent.js';
import { runCli, startCli, useFixture } from './cli.js';

const t = useFixture();

const URL_LINE = /^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m;

function publicLogin(extra: string[] = []): string[] {
  return ['login', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid profile offline_access', ...extra];
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('login --grant password', () => {
  it('logs alice in, validates the ID token and stores a refresh token', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const res = await runCli(
      ['login', '--grant', 'password', '--issuer', t.fixture.issuer, '--client-id', c.id, '--username', 'alice', '--password-stdin', '--scope', 'openid email offline_access'],
      { home: t.home, input: 'wonderland\n', env: { OAUTHCTL_CLIENT_SECRET: c.secret } },
    );
    expect(res.stderr).toContain('Logged in as alice@example.com');
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('not validated');
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show).toMatchObject({ subject: 'alice', has_refresh_token: true, has_id_token: true });
  });

  it('exits 3 naming invalid_grant for a wrong password, which appears nowhere', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const res = await runCli(
      ['login', '--grant', 'password', '--issuer', t.fixture.issuer, '--client-id', c.id, '--username', 'alice', '-v'],
      { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c.secret, OAUTHCTL_PASSWORD: 'not-the-password' } },
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^oauthctl: .*invalid_grant/m);
    expect(res.stderr).not.toContain('not-the-password');
  });
});

describe('login --grant authorization_code (loopback listener)', () => {
  it('--no-browser prints the URL; a forged callback does not end the login, the real one does', async () => {
    const cli = startCli(publicLogin(['--no-browser']), { home: t.home });
    const url = new URL((await cli.waitForStderr(URL_LINE))[1] as string);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('nonce')).toBeTruthy();
    const redirectUri = url.searchParams.get('redirect_uri') as string;

    const forged = await fetch(`${redirectUri}?code=stolen&state=wrong`);
    expect(forged.status).toBe(400);
    expect(cli.child.exitCode).toBeNull();

    const redirected = await completeAuthorization(url.toString(), { username: 'alice' });
    const delivered = await fetch(redirected);
    expect(delivered.status).toBe(200);
    expect(await delivered.text()).toContain('close');
    const res = await cli.done;
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(await portRefuses(Number(new URL(redirectUri).port))).toBe(true);
  });

  it('denied consent exits 3 naming access_denied', async () => {
    const cli = startCli(publicLogin(['--no-browser']), { home: t.home });
    const url = (await cli.waitForStderr(URL_LINE))[1] as string;
    await fetch(await completeAuthorization(url, { consent: 'deny' }));
    const res = await cli.done;
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^oauthctl: authorization failed: access_denied/m);
  });

  it('Ctrl+C while waiting exits 130 and closes the port', async () => {
    const cli = startCli(publicLogin(['--no-browser']), { home: t.home });
    const url = new URL((await cli.waitForStderr(URL_LINE))[1] as string);
    await cli.waitForStderr(/Waiting for the browser/);
    const port = Number(new URL(url.searchParams.get('redirect_uri') as string).port);
    expect(await portRefuses(port)).toBe(false);
    cli.child.kill('SIGINT');
    const res = await cli.done;
    expect(res.code).toBe(130);
    expect(res.stderr).toContain('oauthctl: interrupted');
    expect(await portRefuses(port)).toBe(true);
  });

  it('a busy --port is exit 2 naming the port', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const res = await runCli(publicLogin(['--no-browser', '--port', String(port)]), { home: t.home });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`port ${port}`);
    } finally {
      server.close();
    }
  });

  it('gives up after --timeout with exit 4', async () => {
    const res = await runCli(publicLogin(['--no-browser', '--timeout', '1']), { home: t.home });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain('oauthctl: no answer from the browser within 1s');
  });

  it('sends a localhost redirect URI as localhost, and --param extras', async () => {
    const cli = startCli(publicLogin(['--no-browser', '--redirect-uri', 'http://localhost/callback', '--param', 'login_hint=alice']), { home: t.home });
    const url = new URL((await cli.waitForStderr(URL_LINE))[1] as string);
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/callback$/);
    expect(url.searchParams.get('login_hint')).toBe('alice');
    await fetch(await completeAuthorization(url.toString()));
    expect((await cli.done).code).toBe(0);
  });
});

describe('login --manual', () => {
  it('completes when the redirected address is piped in', async () => {
    const cli = startCli(publicLogin(['--manual']), { home: t.home });
    const url = new URL((await cli.waitForStderr(URL_LINE))[1] as string);
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1/callback');
    const redirected = await completeAuthorization(url.toString());
    cli.child.stdin.end(`${redirected}\n`);
    const res = await cli.done;
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
  });
});

/**
 * `oauthctl call` through the built CLI against the real fixture: the oidc-provider issues a
 * client_credentials token, the resource API checks it (header, form body or query, RFC 6750 §2).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../fixtures/server.js';
import { BIN, runCli, useFixture } from './cli.js';

const t = useFixture();
const basic = () => t.fixture.clients.confidentialBasic;
const secretEnv = () => ({ OAUTHCTL_CLIENT_SECRET: basic().secret });
const REPORT_MAXRSS = fileURLToPath(new URL('../support/report-maxrss.mjs', import.meta.url));

/** A client_credentials login with flags only; returns the access token now stored. */
async function login(): Promise<string> {
  const res = await runCli(
    ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', basic().id, '--scope', 'people:read'],
    { home: t.home, env: secretEnv() },
  );
  expect(res.stderr).not.toMatch(/oauthctl:/);
  expect(res.code).toBe(0);
  const token = await runCli(['token'], { home: t.home });
  expect(token.code).toBe(0);
  return token.stdout.trim();
}

const call = (args: string[], input?: string) =>
  runCli(['call', ...args, '--base-url', t.fixture.apiBaseUrl], { home: t.home, ...(input !== undefined ? { input } : {}) });

describe('oauthctl call', () => {
  it('GET /people prints the API\'s JSON with a Bearer header', async () => {
    await login();
    const before = t.fixture.stats.apiTokenLocations.header;
    const res = await call(['GET', '/people']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ people: PEOPLE });
    expect(t.fixture.stats.apiTokenLocations.header).toBe(before + 1);
  });

  it('takes the base URL from OAUTHCTL_API_BASE_URL, keeping its path; a full URL needs none', async () => {
    await login();
    const env = await runCli(['call', 'get', '/echo?x=1'], { home: t.home, env: { OAUTHCTL_API_BASE_URL: `${t.fixture.apiBaseUrl}/` } });
    expect(env.code).toBe(0);
    expect(JSON.parse(env.stdout)).toMatchObject({ method: 'GET', path: '/echo', query: { x: '1' } });
    const full = await runCli(['call', 'GET', `${t.fixture.apiBaseUrl}/people`], { home: t.home });
    expect(full.code).toBe(0);
    expect(JSON.parse(full.stdout)).toEqual({ people: PEOPLE });
  });

  it('a /PATH without a base URL is a usage error naming --base-url', async () => {
    const res = await runCli(['call', 'GET', '/people'], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--base-url');
  });

  it('--bearer-in query and --bearer-in form reach the API there', async () => {
    await login();
    const { query, form } = t.fixture.stats.apiTokenLocations;
    const q = await call(['GET', '/echo?limit=2', '--bearer-in', 'query']);
    expect(q.code).toBe(0);
    expect(JSON.parse(q.stdout)).toMatchObject({ token_location: 'query', query: { limit: '2' } });
    const f = await call(['POST', '/people', '--bearer-in', 'form']);
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout)).toEqual({ people: PEOPLE });
    const fd = await call(['POST', '/echo', '--bearer-in', 'form', '-d', 'name=Ada']);
    expect(fd.code).toBe(0);
    const echoed = JSON.parse(fd.stdout) as { token_location: string; body: string };
    expect(echoed.token_location).toBe('form');
    expect(new URLSearchParams(echoed.body).get('name')).toBe('Ada');
    expect(t.fixture.stats.apiTokenLocations.query).toBe(query + 1);
    expect(t.fixture.stats.apiTokenLocations.form).toBe(form + 2);
  });

  it('after the token is revoked at the server, renews once (client_credentials) and succeeds', async () => {
    const token = await login();
    expect(await t.fixture.revokeToken(token)).toBe(true);
    const grants = t.fixture.stats.tokenRequests.client_credentials ?? 0;
    const unauthorized = t.fixture.stats.apiUnauthorized;
    const res = await call(['GET', '/people']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ people: PEOPLE });
    expect(t.fixture.stats.tokenRequests.client_credentials).toBe(grants + 1);
    expect(t.fixture.stats.apiUnauthorized).toBe(unauthorized + 1);
    const after = await runCli(['token'], { home: t.home });
    expect(after.stdout.trim()).not.toBe(token);
  });

  it('a 404 prints the body on stdout and one line on stderr, exit 6', async () => {
    await login();
    const res = await call(['GET', '/nowhere?access_token=not-in-messages']);
    expect(res.code).toBe(6);
    expect(JSON.parse(res.stdout)).toEqual({ error: 'not_found', path: '/nowhere' });
    expect(res.stderr).toBe(`oauthctl: GET ${t.fixture.apiBaseUrl}/nowhere answered 404 Not Found\n`);
  });

  it('-o json: a 404 is {status, headers, body} on stdout and a JSON error with code http_404', async () => {
    await login();
    const res = await call(['GET', '/nowhere', '-o', 'json']);
    expect(res.code).toBe(6);
    const doc = JSON.parse(res.stdout) as { status: number; headers: Record<string, string>; body: unknown };
    expect(doc).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: 'http_404', status: 404 } });
  });

  it('-i prints the status line and headers, a blank line, then the body', async () => {
    await login();
    const res = await call(['GET', '/people', '-i']);
    expect(res.code).toBe(0);
    const [head = '', body = ''] = res.stdout.split('\n\n');
    expect(head.split('\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(head).toMatch(/^content-type: application\/json/m);
    expect(JSON.parse(body)).toEqual({ people: PEOPLE });
  });

  it('-o json gives {status, headers, body}', async () => {
    await login();
    const res = await call(['GET', '/people', '-o', 'json']);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as { status: number; headers: Record<string, string>; body: unknown };
    expect(doc.status).toBe(200);
    expect(doc.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.body).toEqual({ people: PEOPLE });
  });

  it('--json and -d @- reach /echo with their bodies and content types', async () => {
    await login();
    const j = await call(['POST', '/echo', '--json', '{"name":"Ada"}']);
    expect(j.code).toBe(0);
    const je = JSON.parse(j.stdout) as { body: string; headers: Record<string, string> };
    expect(JSON.parse(je.body)).toEqual({ name: 'Ada' });
    expect(je.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });

    const d = await call(['PUT', '/echo', '-d', '@-', '-H', 'Content-Type: text/plain', '-H', 'X-Trace: 7'], 'line one\nline two\n');
    expect(d.code).toBe(0);
    const de = JSON.parse(d.stdout) as { method: string; body: string; headers: Record<string, string> };
    expect(de).toMatchObject({ method: 'PUT', body: 'line one\nline two\n' });
    expect(de.headers).toMatchObject({ 'content-type': 'text/plain', 'x-trace': '7' });
  });

  it('bad input is exit 2 before any request: -d with --json, invalid JSON, malformed header', async () => {
    await login();
    const before = t.fixture.stats.apiRequests;
    for (const args of [
      ['POST', '/echo', '-d', 'a', '--json', '{}'],
      ['POST', '/echo', '--json', '{nope'],
      ['GET', '/echo', '-H', 'no colon'],
      ['GET', '/echo', '--bearer-in', 'form'],
    ]) {
      const res = await call(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^oauthctl: /);
    }
    expect(t.fixture.stats.apiRequests).toBe(before);
  });

  it('never shows the token on stderr with -v, in any placement, even across a renewal', async () => {
    const token = await login();
    for (const where of ['header', 'query']) {
      const res = await call(['GET', '/people', '-v', '--bearer-in', where]);
      expect(res.code).toBe(0);
      expect(res.stderr).toContain('> GET');
      expect(res.stderr).not.toContain(token);
    }
    const form = await call(['POST', '/echo', '-v', '--bearer-in', 'form', '-d', 'a=1']);
    expect(form.code).toBe(0);
    expect(form.stderr).not.toContain(token);
    await t.fixture.revokeToken(token);
    const renewed = await call(['GET', '/people', '-v']);
    expect(renewed.code).toBe(0);
    const next = (await runCli(['token'], { home: t.home })).stdout.trim();
    expect(next).not.toBe(token);
    for (const secret of [token, next, basic().secret]) expect(renewed.stderr).not.toContain(secret);
  });

  // Streamed, never held: the peak stays a small fraction of the body. The memory target itself
  // (≤ 120 MB with no V8 flag) is a line of `npm run bench`: under load it moves by a few MB,
  // which a test must not hang on.
  it('streams 1 GiB to stdout with a flat memory profile (peak RSS far below the body)', async () => {
    await login();
    const bytes = 1024 ** 3;
    t.fixture.resetStats();
    const rssFile = join(t.home, 'maxrss');
    const devNull = openSync('/dev/null', 'w');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('OAUTHCTL_') && !/_proxy$/i.test(k)) env[k] = v;
    }
    Object.assign(env, { OAUTHCTL_HOME: t.home, OAUTHCTL_TOKEN_STORE: 'file', NO_COLOR: '1', OAUTHCTL_TEST_MAXRSS_FILE: rssFile });
    let stderr = '';
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', REPORT_MAXRSS, BIN, 'call', 'GET', `/big?bytes=${bytes}`, '--base-url', t.fixture.apiBaseUrl, '--timeout', '120'],
        { env, stdio: ['ignore', devNull, 'pipe'] },
      );
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    }).finally(() => closeSync(devNull));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(t.fixture.stats.bigBytesSent).toBe(bytes);
    const maxRssKiB = Number(readFileSync(rssFile, 'utf8'));
    console.log(`call GET /big (1 GiB): peak RSS ${(maxRssKiB / 1024).toFixed(1)} MiB`);
    expect(maxRssKiB).toBeGreaterThan(0);
    expect(maxRssKiB).toBeLessThan(256 * 1024);
  }, 60_000);
});

describe('call after the access token of a user session is revoked', () => {
  it('refreshes once with the refresh token and succeeds', async () => {
    const { loginAlice, storedTokens } = await import('./lifecycle-helpers.js');
    await loginAlice(t.fixture, t.home);
    const { access_token } = await storedTokens(t.home);
    expect(await t.fixture.revokeToken(access_token)).toBe(true);
    const refreshes = t.fixture.stats.tokenRequests.refresh_token ?? 0;
    const res = await runCli(['call', 'GET', '/people', '--base-url', t.fixture.apiBaseUrl], { home: t.home });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toHaveProperty('people');
    expect(t.fixture.stats.tokenRequests.refresh_token).toBe(refreshes + 1);
    expect((await storedTokens(t.home)).access_token).not.toBe(access_token);
  });
});

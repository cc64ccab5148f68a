/**
 * SPEC "Safety": `call` sends a profile's token only to the origin of its `api_base_url`. An
 * absolute URL on another origin is exit 2, naming both origins, before any request (the other
 * server receives nothing), unless `--any-origin`. Without an API base URL an absolute URL is used
 * as given. Through the built CLI, with a profile saved with `api_base_url` and a real token from
 * the fixture's oidc-provider.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PEOPLE } from '../fixtures/server.js';
import { runCli, useFixture } from './cli.js';

const t = useFixture();

/** The other origin: an HTTP server that records what reaches it. */
let other: Server;
let otherUrl = '';
const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  other = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => other?.close(() => resolve()));
});

const secretEnv = () => ({ OAUTHCTL_CLIENT_SECRET: t.fixture.clients.confidentialBasic.secret });

/** Profile `api`, saved with the fixture API as its api_base_url, logged in with client_credentials. */
async function savedProfileWithToken(): Promise<string> {
  const basic = t.fixture.clients.confidentialBasic;
  const add = await runCli(
    ['profile', 'add', 'api', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', basic.id, '--scope', 'people:read', '--base-url', t.fixture.apiBaseUrl],
    { home: t.home, env: secretEnv() },
  );
  expect(add.code, add.stderr).toBe(0);
  const login = await runCli(['login', '-p', 'api'], { home: t.home, env: secretEnv() });
  expect(login.code, login.stderr).toBe(0);
  const token = await runCli(['token', '-p', 'api'], { home: t.home });
  expect(token.code, token.stderr).toBe(0);
  return token.stdout.trim();
}

beforeEach(() => {
  received.length = 0;
});

describe('call and the origin of the API base URL', () => {
  it('an absolute URL on another origin: exit 2 naming both origins, nothing sent there', async () => {
    const token = await savedProfileWithToken();
    const apiBefore = t.fixture.stats.apiRequests;
    for (const extra of [[], ['-v']]) {
      const res = await runCli(['call', 'GET', `${otherUrl}/steal?x=1`, '-p', 'api', ...extra], { home: t.home });
      expect(res.code, res.stderr).toBe(2);
      const [line, hint] = res.stderr.trim().split('\n');
      expect(line).toMatch(/^oauthctl: /);
      expect(line).toContain(otherUrl);
      expect(line).toContain(new URL(t.fixture.apiBaseUrl).origin);
      expect(hint).toMatch(/^hint: .*--any-origin/);
      expect(res.stderr).not.toContain(token);
      expect(res.stdout).toBe('');
    }
    expect(received).toEqual([]);
    expect(t.fixture.stats.apiRequests).toBe(apiBefore);
  });

  it('-o json: the error code is token_origin_mismatch', async () => {
    await savedProfileWithToken();
    const res = await runCli(['call', 'POST', `${otherUrl}/x`, '-d', 'a=1', '-p', 'api', '-o', 'json'], { home: t.home });
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: 'token_origin_mismatch' } });
    expect(received).toEqual([]);
  });

  it('a different port or scheme is another origin', async () => {
    await savedProfileWithToken();
    const api = new URL(t.fixture.apiBaseUrl);
    const res = await runCli(['call', 'GET', `http://localhost:${api.port}/people`, '-p', 'api'], { home: t.home });
    expect(res.code, res.stderr).toBe(2);
  });

  it('an absolute URL on the same origin is used', async () => {
    await savedProfileWithToken();
    const res = await runCli(['call', 'GET', `${t.fixture.apiBaseUrl}/people`, '-p', 'api'], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ people: PEOPLE });
  });

  it('--any-origin sends the token there', async () => {
    const token = await savedProfileWithToken();
    const res = await runCli(['call', 'GET', `${otherUrl}/elsewhere`, '-p', 'api', '--any-origin'], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    expect(received.map((r) => `${r.method} ${r.url} ${String(r.headers.authorization)}`)).toEqual([`GET /elsewhere Bearer ${token}`]);
  });

  it('without an API base URL an absolute URL is used as given', async () => {
    const basic = t.fixture.clients.confidentialBasic;
    const login = await runCli(['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', basic.id, '--scope', 'people:read'], { home: t.home, env: secretEnv() });
    expect(login.code, login.stderr).toBe(0);
    const res = await runCli(['call', 'GET', `${otherUrl}/anywhere`], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    expect(received).toHaveLength(1);
  });
});

/**
 * Proxies from the environment, SPEC "Safety": an empty lower-case `https_proxy`/`http_proxy`
 * does not hide a set `HTTPS_PROXY`/`HTTP_PROXY`, and credentials in a proxy URL
 * (`http://user:pass@proxy:3128`) are used (Proxy-Authorization) and never printed, with `-v`,
 * in an error line or in a `-o json` error. Through the built CLI, against an authenticating
 * forward proxy (test/fixtures/proxy.ts with `auth`) and the real fixture: plain http (the
 * request in absolute form) and https (a CONNECT tunnel).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startFixture, type Fixture } from '../fixtures/server.js';
import { startProxy, type TestProxy } from '../fixtures/proxy.js';
import { selfSignedCertificate, writePem } from '../fixtures/tls.js';
import { runCli, tempHome, type CliResult } from './cli.js';

const USER = 'proxy-user';
/** Characters that a URL must percent-encode, and a short part a naive scrubber would skip. */
const PASSWORD = 'p@ss:w/rd';
const ENCODED_PASSWORD = encodeURIComponent(PASSWORD);

let httpFixture: Fixture;
let tlsFixture: Fixture;
let plain: TestProxy;
let authenticating: TestProxy;
let pemDir: string;
let serverPem: string;
let home: string;
let cleanupHome = () => {};

beforeAll(async () => {
  pemDir = await mkdtemp(join(tmpdir(), 'oauthctl-proxy-'));
  const cert = await selfSignedCertificate();
  serverPem = await writePem(pemDir, 'server.pem', cert.cert);
  [httpFixture, tlsFixture, plain, authenticating] = await Promise.all([
    startFixture(),
    startFixture({ tls: cert }),
    startProxy(),
    startProxy({ auth: { username: USER, password: PASSWORD } }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([httpFixture?.close(), tlsFixture?.close(), plain?.close(), authenticating?.close()]);
  if (pemDir) await rm(pemDir, { recursive: true, force: true });
});

beforeEach(() => {
  ({ home, cleanup: cleanupHome } = tempHome());
  plain.reset();
  authenticating.reset();
});
afterEach(() => cleanupHome());

function ccArgs(fixture: Fixture, extra: string[] = []): string[] {
  const client = fixture.clients.confidentialBasic;
  return ['login', '--grant', 'client_credentials', '--issuer', fixture.issuer, '--client-id', client.id, '--scope', 'people:read', ...extra];
}

const secretEnv = (fixture: Fixture, env: Record<string, string> = {}) => ({ OAUTHCTL_CLIENT_SECRET: fixture.clients.confidentialBasic.secret, ...env });

/** `http://user:pass@127.0.0.1:port` for the authenticating proxy. */
function credentialUrl(password = ENCODED_PASSWORD): string {
  const url = new URL(authenticating.url);
  return `http://${USER}:${password}@${url.host}`;
}

/** Neither the password (raw or encoded), nor the Basic credentials, nor the user's name appear. */
function expectNoProxyCredentials(res: CliResult): void {
  const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  for (const text of [res.stdout, res.stderr]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(ENCODED_PASSWORD);
    expect(text).not.toContain(basic);
    expect(text).not.toContain(USER);
  }
}

describe('an empty lower-case proxy variable', () => {
  it('https_proxy="" does not hide HTTPS_PROXY (https through a CONNECT tunnel)', async () => {
    const res = await runCli(ccArgs(tlsFixture, ['--cacert', serverPem]), {
      home,
      env: secretEnv(tlsFixture, { https_proxy: '', HTTPS_PROXY: plain.url }),
    });
    expect(res.code, res.stderr).toBe(0);
    const port = new URL(tlsFixture.issuer).port;
    expect(plain.requests).toContainEqual({ method: 'CONNECT', target: `127.0.0.1:${port}`, via: 'connect' });
  });

  it('http_proxy="" does not hide HTTP_PROXY', async () => {
    const res = await runCli(ccArgs(httpFixture), { home, env: secretEnv(httpFixture, { http_proxy: '', HTTP_PROXY: plain.url }) });
    expect(res.code, res.stderr).toBe(0);
    expect(plain.requests.map((r) => `${r.method} ${r.target}`)).toContain(`POST ${httpFixture.issuer}/token`);
  });

  it('a set lower-case variable still wins over the upper-case one', async () => {
    const res = await runCli(ccArgs(httpFixture), {
      home,
      env: secretEnv(httpFixture, { http_proxy: plain.url, HTTP_PROXY: 'http://127.0.0.1:9' }),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(plain.requests.length).toBeGreaterThan(0);
  });
});

describe('credentials in the proxy URL', () => {
  it('are sent to an authenticating proxy for http:// targets and never printed by -v', async () => {
    const before = httpFixture.stats.tokenRequests.client_credentials ?? 0;
    const res = await runCli(ccArgs(httpFixture, ['-v']), { home, env: secretEnv(httpFixture, { HTTP_PROXY: credentialUrl() }) });
    expect(res.code, res.stderr).toBe(0);
    expect(httpFixture.stats.tokenRequests.client_credentials).toBe(before + 1);
    expect(authenticating.requests.length).toBeGreaterThan(0);
    expect(authenticating.requests.every((r) => r.proxyAuth === 'ok')).toBe(true);
    expect(res.stderr).toContain('> POST');
    expectNoProxyCredentials(res);
  });

  it('are sent in the CONNECT for https:// targets', async () => {
    const res = await runCli(ccArgs(tlsFixture, ['--cacert', serverPem, '-v']), {
      home,
      env: secretEnv(tlsFixture, { HTTPS_PROXY: credentialUrl() }),
    });
    expect(res.code, res.stderr).toBe(0);
    const connects = authenticating.requests.filter((r) => r.method === 'CONNECT');
    expect(connects.length).toBeGreaterThan(0);
    expect(connects.every((r) => r.proxyAuth === 'ok')).toBe(true);
    expectNoProxyCredentials(res);
  });

  it('wrong ones: exit 4, one line, and the credentials appear nowhere (text and -o json)', async () => {
    for (const extra of [['-v'], ['-o', 'json']]) {
      authenticating.reset();
      const res = await runCli(ccArgs(httpFixture, extra), { home, env: secretEnv(httpFixture, { HTTP_PROXY: credentialUrl(`${ENCODED_PASSWORD}x`) }) });
      expect(res.code, res.stderr).toBe(4);
      expect(authenticating.requests.some((r) => r.proxyAuth === 'wrong')).toBe(true);
      expectNoProxyCredentials(res);
      if (extra[0] === '-o') expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: expect.any(String) } });
      else expect(res.stderr).toMatch(/^oauthctl: /m);
    }
  });

  it('without credentials the proxy answers 407: exit 4', async () => {
    const res = await runCli(ccArgs(httpFixture), { home, env: secretEnv(httpFixture, { HTTP_PROXY: authenticating.url }) });
    expect(res.code, res.stderr).toBe(4);
    expect(authenticating.requests.some((r) => r.proxyAuth === 'missing')).toBe(true);
  });
});

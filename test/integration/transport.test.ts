/**
 * Transport through the built CLI (SPEC "Commands", global options `--cacert` and `--insecure`,
 * proxies; "Exit codes" 2 and 4): TLS verification against a per-run certificate, trust added with
 * `--cacert` or NODE_EXTRA_CA_CERTS, `--insecure`, HTTP(S)_PROXY / NO_PROXY (loopback included, as
 * curl does) with a recording forward proxy, and plain http:// refused for non-loopback hosts.
 *
 * No traffic leaves 127.0.0.1: requests for other hosts go to the test proxy, which refuses them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startFixture, type Fixture } from '../fixtures/server.js';
import { startProxy, type TestProxy } from '../fixtures/proxy.js';
import { selfSignedCertificate, testCertificateAuthority, writePem } from '../fixtures/tls.js';
import { runCli, tempHome, type CliResult } from './cli.js';

/** The self-signed HTTPS authorization server. */
let tlsFixture: Fixture;
/** The same fixture over plain http. */
let httpFixture: Fixture;
let proxy: TestProxy;
let pemDir: string;
/** The self-signed server certificate, as a PEM file. */
let serverPem: string;
/** A CA that has nothing to do with the server. */
let unrelatedCaPem: string;
let home: string;
let cleanupHome = () => {};

beforeAll(async () => {
  pemDir = await mkdtemp(join(tmpdir(), 'oauthctl-tls-'));
  const [cert, unrelated] = await Promise.all([selfSignedCertificate(), testCertificateAuthority()]);
  serverPem = await writePem(pemDir, 'server.pem', cert.cert);
  unrelatedCaPem = await writePem(pemDir, 'unrelated-ca.pem', unrelated.cert);
  [tlsFixture, httpFixture, proxy] = await Promise.all([startFixture({ tls: cert }), startFixture(), startProxy()]);
});

afterAll(async () => {
  await Promise.allSettled([tlsFixture?.close(), httpFixture?.close(), proxy?.close()]);
  if (pemDir) await rm(pemDir, { recursive: true, force: true });
});

beforeEach(() => {
  ({ home, cleanup: cleanupHome } = tempHome());
  proxy?.reset();
});

afterEach(() => cleanupHome());

function ccArgs(fixture: Fixture, extra: string[] = []): string[] {
  const client = fixture.clients.confidentialBasic;
  return ['login', '--grant', 'client_credentials', '--issuer', fixture.issuer, '--client-id', client.id, '--scope', 'people:read', ...extra];
}

function secretEnv(fixture: Fixture, env: Record<string, string> = {}): Record<string, string> {
  return { OAUTHCTL_CLIENT_SECRET: fixture.clients.confidentialBasic.secret, ...env };
}

function proxyEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, ...extra };
}

/** stderr without the `warning:` lines. */
function errorLines(res: CliResult): string[] {
  return res.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('warning:'));
}

/** Exit 4, one error line naming the URL and the certificate problem, one hint naming --cacert. */
function expectTlsFailure(res: CliResult, problem: string): void {
  expect(res.code, res.stderr).toBe(4);
  expect(res.stdout).toBe('');
  const lines = errorLines(res);
  expect(lines, res.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^oauthctl: /);
  expect(lines[0]).toContain(tlsFixture.issuer);
  expect(lines[0]).toContain(problem);
  expect(lines[1]).toMatch(/^hint: .*--cacert/);
}

async function expectLoginWorks(extraArgs: string[], env: Record<string, string> = {}): Promise<void> {
  const before = tlsFixture.stats.tokenRequests.client_credentials ?? 0;
  const res = await runCli(ccArgs(tlsFixture, extraArgs), { home, env: secretEnv(tlsFixture, env) });
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toContain('Logged in as client');
  expect(tlsFixture.stats.tokenRequests.client_credentials).toBe(before + 1);
}

describe('TLS: a self-signed authorization server', () => {
  it('discover fails with exit 4, naming the self-signed certificate, with a --cacert hint', async () => {
    const res = await runCli(['discover', tlsFixture.issuer], { home });
    expectTlsFailure(res, 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('login --grant client_credentials fails the same way and stores no token', async () => {
    const before = tlsFixture.stats.tokenRequests.client_credentials ?? 0;
    const res = await runCli(ccArgs(tlsFixture), { home, env: secretEnv(tlsFixture) });
    expectTlsFailure(res, 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(tlsFixture.stats.tokenRequests.client_credentials ?? 0).toBe(before);
    expect((await runCli(['token'], { home })).code).toBe(5);
  });

  it('works with --cacert <pem>: discover prints the https endpoints, login and token succeed', async () => {
    const discover = await runCli(['discover', tlsFixture.issuer, '--cacert', serverPem], { home });
    expect(discover.code, discover.stderr).toBe(0);
    expect(discover.stdout).toMatch(new RegExp(`^token_endpoint\\s+${tlsFixture.issuer}/token$`, 'm'));
    expect(tlsFixture.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    await expectLoginWorks(['--cacert', serverPem]);
    const token = await runCli(['token', '--cacert', serverPem, '--min-ttl', '999999'], { home });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^\S+\n$/);
    // The fixture's resource API (plain http) still introspects tokens of the HTTPS provider.
    const people = await fetch(`${tlsFixture.apiBaseUrl}/people`, { headers: { authorization: `Bearer ${token.stdout.trim()}` } });
    expect(people.status).toBe(200);
  });

  it('works with NODE_EXTRA_CA_CERTS instead of --cacert', async () => {
    const discover = await runCli(['discover', tlsFixture.issuer], { home, env: { NODE_EXTRA_CA_CERTS: serverPem } });
    expect(discover.code, discover.stderr).toBe(0);
    await expectLoginWorks([], { NODE_EXTRA_CA_CERTS: serverPem });
  });

  it('--cacert adds to NODE_EXTRA_CA_CERTS rather than replacing it', async () => {
    await expectLoginWorks(['--cacert', unrelatedCaPem], { NODE_EXTRA_CA_CERTS: serverPem });
  });

  it('a --cacert that does not sign the server still fails with the TLS error', async () => {
    const res = await runCli(['discover', tlsFixture.issuer, '--cacert', unrelatedCaPem], { home });
    expectTlsFailure(res, 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
  });

  it('--insecure works and warns on stderr', async () => {
    const before = tlsFixture.stats.tokenRequests.client_credentials ?? 0;
    const res = await runCli(ccArgs(tlsFixture, ['--insecure']), { home, env: secretEnv(tlsFixture) });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^warning: --insecure: TLS certificates are not verified/m);
    expect(tlsFixture.stats.tokenRequests.client_credentials).toBe(before + 1);
  });
});

describe('TLS: a server certificate signed by a private CA', () => {
  let caFixture: Fixture;
  let caPem: string;
  beforeAll(async () => {
    const ca = await testCertificateAuthority();
    caPem = await writePem(pemDir, 'private-ca.pem', ca.cert);
    caFixture = await startFixture({ tls: await ca.issueServerCertificate() });
  });
  afterAll(async () => {
    await caFixture?.close();
  });

  it('fails with exit 4 naming the unknown issuer, then works with --cacert <CA pem>', async () => {
    const res = await runCli(['discover', caFixture.issuer], { home });
    expect(res.code, res.stderr).toBe(4);
    const lines = errorLines(res);
    expect(lines, res.stderr).toHaveLength(2);
    expect(lines[0]).toContain(`oauthctl: TLS error reaching ${caFixture.issuer}`);
    expect(lines[0]).toContain('(UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(lines[1]).toMatch(/^hint: .*--cacert/);

    const ok = await runCli(ccArgs(caFixture, ['--cacert', caPem]), { home, env: secretEnv(caFixture) });
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('proxies from the environment', () => {
  it('sends a login to a loopback server through HTTP_PROXY/HTTPS_PROXY', async () => {
    const before = httpFixture.stats.tokenRequests.client_credentials ?? 0;
    const res = await runCli(ccArgs(httpFixture), { home, env: secretEnv(httpFixture, proxyEnv()) });
    expect(res.code, res.stderr).toBe(0);
    expect(httpFixture.stats.tokenRequests.client_credentials).toBe(before + 1);
    const seen = proxy.requests.filter((r) => r.method !== 'CONNECT').map((r) => `${r.method} ${r.target}`);
    expect(seen).toContain(`GET ${httpFixture.issuer}/.well-known/openid-configuration`);
    expect(seen).toContain(`POST ${httpFixture.issuer}/token`);
    expect(proxy.requests.some((r) => r.refused)).toBe(false);
  });

  it('honours lower-case http_proxy/https_proxy too', async () => {
    const res = await runCli(ccArgs(httpFixture), {
      home,
      env: secretEnv(httpFixture, { https_proxy: proxy.url, http_proxy: proxy.url }),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(proxy.requests.map((r) => `${r.method} ${r.target}`)).toContain(`POST ${httpFixture.issuer}/token`);
  });

  it('goes direct when NO_PROXY matches the host', async () => {
    const before = httpFixture.stats.tokenRequests.client_credentials ?? 0;
    const res = await runCli(ccArgs(httpFixture), { home, env: secretEnv(httpFixture, proxyEnv({ NO_PROXY: '127.0.0.1' })) });
    expect(res.code, res.stderr).toBe(0);
    expect(httpFixture.stats.tokenRequests.client_credentials).toBe(before + 1);
    expect(proxy.requests).toEqual([]);
  });

  it('tunnels https through CONNECT, verifying the server with --cacert', async () => {
    await expectLoginWorks(['--cacert', serverPem], proxyEnv());
    const port = new URL(tlsFixture.issuer).port;
    expect(proxy.requests.length).toBeGreaterThan(0);
    // TLS inside the tunnel: the proxy saw the CONNECT and nothing it could read.
    expect(proxy.requests).toContainEqual({ method: 'CONNECT', target: `127.0.0.1:${port}`, via: 'connect' });
    expect(proxy.requests.every((r) => r.method === 'CONNECT' && !r.refused)).toBe(true);
  });

  it('still reports the certificate problem when the TLS server is reached through the proxy', async () => {
    const res = await runCli(['discover', tlsFixture.issuer], { home, env: proxyEnv() });
    expectTlsFailure(res, 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(proxy.requests.some((r) => r.method === 'CONNECT')).toBe(true);
  });
});

describe('plain http:// to a non-loopback host', () => {
  const args = (url: string, extra: string[] = []) => ['login', '--grant', 'client_credentials', '--token-url', url, '--client-id', 'x', ...extra];

  it('is refused with exit 2 before any request, naming the URL', async () => {
    const url = 'http://auth.example.com/token';
    // The proxy would see (and refuse) any request that was made.
    const res = await runCli(args(url, ['-v']), { home, env: { OAUTHCTL_CLIENT_SECRET: 's3cret-value', ...proxyEnv() } });
    expect(res.code, res.stderr).toBe(2);
    const lines = errorLines(res);
    expect(lines[0]).toMatch(/^oauthctl: .*refusing plain http:\/\//);
    expect(lines[0]).toContain(url);
    expect(lines.filter((l) => l.startsWith('oauthctl:'))).toHaveLength(1);
    expect(res.stderr).not.toContain('> POST');
    expect(proxy.requests).toEqual([]);
  });

  it('is attempted with --insecure (the proxy refuses it here: exit 4)', async () => {
    // `.invalid` never resolves, and through the proxy no name lookup happens on this machine at all.
    const url = 'http://auth.example.invalid/token';
    const res = await runCli(args(url, ['--insecure']), { home, env: { OAUTHCTL_CLIENT_SECRET: 's3cret-value', ...proxyEnv() } });
    expect(res.code, res.stderr).toBe(4);
    expect(res.stderr).toMatch(/^warning: --insecure/m);
    const lines = errorLines(res);
    // Sent to the proxy as an absolute-URI request (as curl does for http://), which answers 403.
    expect(lines[0]).toMatch(/^oauthctl: token endpoint http:\/\/auth\.example\.invalid\/token answered 403/);
    expect(lines.filter((l) => l.startsWith('oauthctl:'))).toHaveLength(1);
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.requests.every((r) => r.refused && r.target.includes('auth.example.invalid'))).toBe(true);
  });

describe('a proxy that refuses', () => {
  it('says so in one line (https target, CONNECT refused): exit 4', async () => {
    const url = 'https://auth.example.invalid/token';
    const res = await runCli(args(url, []), { home, env: { OAUTHCTL_CLIENT_SECRET: 's3cret-value', ...proxyEnv() } });
    expect(res.code, res.stderr).toBe(4);
    expect(errorLines(res)[0]).toBe(`oauthctl: cannot reach ${url}: the proxy refused the connection (HTTP 403)`);
  });
});
});

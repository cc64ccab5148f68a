/**
 * A real authorization server that misbehaves: the fixture's oidc-provider with one injected fault
 * (`fixture.injectFault`) in place of its answer. Through the built CLI, a client_credentials login
 * must turn every answer that is not a token response into exit 4 (exit 3 when the body carries an
 * OAuth `error`), say so in one `oauthctl:` line (plus at most one `hint:`), quote nothing from the
 * body, and leave the token store exactly as it was (SPEC "Exit codes", "Interoperability").
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../fixtures/server.js';
import { runCli, tempHome, useFixture, type CliResult } from './cli.js';

const t = useFixture();

/** A token value a body may carry: it must never reach stderr. */
const PLANTED = 'planted-access-token-0f3c9a';
const MIB = 1024 * 1024;

const client = () => t.fixture.clients.confidentialBasic;
const env = () => ({ OAUTHCTL_CLIENT_SECRET: client().secret });

function ccLogin(profile: string, extra: string[] = []): string[] {
  return [
    'login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', client().id,
    '--scope', 'people:read', '--token-store', 'file', '-p', profile, ...extra,
  ];
}

/** A home holding a real login of profile `good`, copied into each test's home. */
let seeded: { home: string; cleanup: () => void };
beforeAll(async () => {
  seeded = tempHome();
  const res = await runCli(ccLogin('good'), { home: seeded.home, env: env() });
  expect(res.code, res.stderr).toBe(0);
});
afterAll(() => seeded?.cleanup());

interface Snapshot {
  files: string[];
  tokens: Buffer;
}
let before: Snapshot;

function snapshot(home: string): Snapshot {
  return { files: readdirSync(home).sort(), tokens: readFileSync(join(home, 'tokens.json')) };
}

beforeEach(() => {
  rmSync(t.home, { recursive: true, force: true });
  cpSync(seeded.home, t.home, { recursive: true });
  before = snapshot(t.home);
});
afterEach(() => t.fixture.clearFaults());

/** One `oauthctl:` line, at most one `hint:` line, nothing else (no stack, no warning). */
function expectOneErrorLine(res: CliResult): string {
  const lines = res.stderr.split('\n').filter((l) => l !== '');
  expect(lines.length, res.stderr).toBeGreaterThanOrEqual(1);
  expect(lines.length, res.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^oauthctl: \S/);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: \S/);
  expect(res.stderr).not.toMatch(/^\s+at /m);
  expect(res.stderr).not.toMatch(/\b(TypeError|SyntaxError|RangeError|Error):/);
  expect(res.stderr).not.toContain(PLANTED);
  expect(res.stderr).not.toContain(client().secret);
  expect(res.stdout).toBe('');
  return lines[0] as string;
}

/** The store is byte-for-byte what it was, and no file appeared or vanished in the home. */
function expectStoreUntouched(): void {
  expect(snapshot(t.home)).toEqual(before);
}

const tokenFault = (f: Omit<Fault, 'route'>): Fault => ({ route: 'token', ...f });

interface TokenCase {
  name: string;
  fault: Fault;
  code: 3 | 4;
  /** What the `oauthctl:` line must say. */
  says: RegExp;
}

const html = '<!doctype html><html><head><title>Sign in</title></head><body><h1>Oops</h1></body></html>';

const TOKEN_CASES: TokenCase[] = [
  { name: 'HTML with 200', fault: tokenFault({ status: 200, contentType: 'text/html; charset=utf-8', body: html }), code: 4, says: /answered 200 with text\/html, not JSON/ },
  { name: 'HTML with 502 (a proxy page)', fault: tokenFault({ status: 502, contentType: 'text/html', body: '<html><body><center><h1>502 Bad Gateway</h1></center></body></html>' }), code: 4, says: /answered 502/ },
  { name: 'truncated JSON', fault: tokenFault({ status: 200, contentType: 'application/json', body: `{"access_token":"${PLANTED}","token_type":"Bea` }), code: 4, says: /does not parse/ },
  { name: 'a JSON array', fault: tokenFault({ status: 200, contentType: 'application/json', body: `[{"access_token":"${PLANTED}","token_type":"Bearer"}]` }), code: 4, says: /JSON array, not a JSON object/ },
  { name: 'JSON null', fault: tokenFault({ status: 200, contentType: 'application/json', body: 'null' }), code: 4, says: /not a JSON object/ },
  { name: 'a 200 JSON object without access_token', fault: tokenFault({ status: 200, contentType: 'application/json', body: '{"token_type":"Bearer","expires_in":3600}' }), code: 4, says: /access_token/ },
  { name: 'an unknown token_type (mac)', fault: tokenFault({ status: 200, contentType: 'application/json', body: `{"access_token":"${PLANTED}","token_type":"mac","expires_in":3600,"mac_key":"k","mac_algorithm":"hmac-sha-256"}` }), code: 4, says: /token_type "mac"/ },
  {
    name: 'a 12 MiB body (valid JSON if read whole: the 10 MiB cap must refuse it)',
    fault: tokenFault({
      status: 200,
      contentType: 'application/json',
      body: Buffer.concat([Buffer.from(`{"access_token":"${PLANTED}","token_type":"Bearer"`), Buffer.alloc(12 * MIB, ' '), Buffer.from('}')]),
    }),
    code: 4,
    says: /larger than 10485760 bytes/,
  },
  { name: 'a 500 with no body and no content type', fault: tokenFault({ status: 500 }), code: 4, says: /answered 500 with an empty body/ },
  { name: 'a 503 with an OAuth error body', fault: tokenFault({ status: 503, contentType: 'application/json', body: '{"error":"temporarily_unavailable"}' }), code: 3, says: /temporarily_unavailable/ },
  { name: 'a 200 with an OAuth error member', fault: tokenFault({ status: 200, contentType: 'application/json', body: `{"error":"invalid_client","error_description":"client is disabled","access_token":"${PLANTED}"}` }), code: 3, says: /invalid_client \(client is disabled\)/ },
];

describe('login --grant client_credentials against a token endpoint that misbehaves', () => {
  it.each(TOKEN_CASES)('$name → exit $code, one error line, store untouched', async ({ fault, code, says }) => {
    const faultedBefore = t.fixture.stats.tokenRequests['(fault)'] ?? 0;
    const realBefore = t.fixture.stats.tokenRequests.client_credentials ?? 0;
    t.fixture.injectFault(fault);

    const res = await runCli(ccLogin('victim'), { home: t.home, env: env() });

    // The CLI met the fault once, and did not go on to a real (retried) request.
    expect(t.fixture.stats.tokenRequests['(fault)'] ?? 0).toBe(faultedBefore + 1);
    expect(t.fixture.stats.tokenRequests.client_credentials ?? 0).toBe(realBefore);
    expect(res.code, res.stderr).toBe(code);
    expect(res.signal).toBeNull();
    const line = expectOneErrorLine(res);
    expect(line).toMatch(says);
    if (code === 4) expect(line).toContain(`${t.fixture.issuer}/token`);
    expectStoreUntouched();
  });

  it('-o json gives the error object with a stable code (protocol vs. OAuth)', async () => {
    t.fixture.injectFault(tokenFault({ status: 200, contentType: 'text/html', body: html }));
    const protocol = await runCli(ccLogin('victim', ['-o', 'json']), { home: t.home, env: env() });
    expect(protocol.code).toBe(4);
    const p = JSON.parse(protocol.stderr.trim()) as { error: Record<string, unknown> };
    expect(p.error.code).toBeTypeOf('string');
    expect(p.error.message).toContain(`${t.fixture.issuer}/token`);

    t.fixture.injectFault(tokenFault({ status: 503, contentType: 'application/json', body: '{"error":"temporarily_unavailable"}' }));
    const oauth = await runCli(ccLogin('victim', ['-o', 'json']), { home: t.home, env: env() });
    expect(oauth.code).toBe(3);
    const o = JSON.parse(oauth.stderr.trim()) as { error: Record<string, unknown> };
    expect(o.error).toMatchObject({ code: 'temporarily_unavailable', oauth_error: 'temporarily_unavailable', status: 503 });
    expectStoreUntouched();
  });

  it('a fault is used up: the very next login succeeds against the real provider', async () => {
    t.fixture.injectFault(tokenFault({ status: 502, contentType: 'text/html', body: html, times: 2 }));
    expect((await runCli(ccLogin('victim'), { home: t.home, env: env() })).code).toBe(4);
    expect((await runCli(ccLogin('victim'), { home: t.home, env: env() })).code).toBe(4);
    expectStoreUntouched();
    const ok = await runCli(ccLogin('victim'), { home: t.home, env: env() });
    expect(ok.code, ok.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(t.home, 'tokens.json'), 'utf8')) as { profiles: Record<string, unknown> };
    expect(Object.keys(doc.profiles).sort()).toEqual(['good', 'victim']);
  });
});

describe('discovery that misbehaves', () => {
  const discoveryUrl = () => `${t.fixture.issuer}/.well-known/openid-configuration`;

  it('an HTML discovery document is exit 4 naming the discovery URL; no token request is made', async () => {
    const tokenBefore = t.fixture.stats.endpointRequests.token ?? 0;
    t.fixture.injectFault({ route: 'discovery', status: 200, contentType: 'text/html', body: html });
    const res = await runCli(ccLogin('victim'), { home: t.home, env: env() });
    expect(res.code, res.stderr).toBe(4);
    expect(expectOneErrorLine(res)).toContain(discoveryUrl());
    expect(t.fixture.stats.endpointRequests.token ?? 0).toBe(tokenBefore);
    expectStoreUntouched();
  });

  it('metadata for another issuer is exit 4 (RFC 8414 §3.3); no token request is made', async () => {
    const served = (await (await fetch(discoveryUrl())).json()) as Record<string, unknown>;
    const tokenBefore = t.fixture.stats.endpointRequests.token ?? 0;
    t.fixture.injectFault({
      route: 'discovery',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ...served, issuer: 'https://evil.example.com' }),
    });
    const res = await runCli(ccLogin('victim'), { home: t.home, env: env() });
    expect(res.code, res.stderr).toBe(4);
    const line = expectOneErrorLine(res);
    expect(line).toContain(discoveryUrl());
    expect(line).toContain('https://evil.example.com');
    expect(t.fixture.stats.endpointRequests.token ?? 0).toBe(tokenBefore);
    expectStoreUntouched();
  });

  it('nothing stays faulted: the store still holds the seeded login and `token` prints it', async () => {
    expect(existsSync(join(t.home, 'tokens.json'))).toBe(true);
    const res = await runCli(['token', '-p', 'good', '--token-store', 'file'], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^\S+\n$/);
  });
});

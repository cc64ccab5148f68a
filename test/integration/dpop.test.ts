/**
 * DPoP (RFC 9449) through the built CLI against the real oidc-provider (`features.dPoP`, a client
 * with `dpop_bound_access_tokens`) and a resource API that verifies every proof itself.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE } from '../fixtures/server.js';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { runCli, useFixture } from './cli.js';
import { introspectAsServer } from './lifecycle-helpers.js';

const t = useFixture();
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const client = () => t.fixture.clients.dpopBound;
const env = () => ({ OAUTHCTL_CLIENT_SECRET: client().secret });

afterEach(() => {
  t.fixture.setDpopNonceRequired(false);
  t.fixture.setApiDpopNonce(undefined);
});

function login(extra: string[] = [], options: { env?: Record<string, string> } = {}) {
  return runCli(
    ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', client().id, '--scope', 'people:read', ...extra],
    { home: t.home, env: { ...env(), ...options.env } },
  );
}

async function show(): Promise<Record<string, unknown>> {
  const res = await runCli(['token', 'show', '-o', 'json', '--reveal'], { home: t.home });
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

const call = (args: string[], extra: Record<string, string> = {}) =>
  runCli(['call', ...args, '--base-url', t.fixture.apiBaseUrl], { home: t.home, env: extra });

describe('login --dpop', () => {
  it('client_credentials: a DPoP-bound token (cnf.jkt = the stored key), key in the token store only, call sends DPoP + proof', async () => {
    const res = await login(['--dpop']);
    expect(res.stderr).not.toMatch(/^oauthctl:/m);
    expect(res.code).toBe(0);
    const set = await show();
    expect(set.token_type).toBe('DPoP');
    expect(set.dpop_jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const info = await introspectAsServer(t.fixture, set.access_token as string);
    expect(info).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: set.dpop_jkt } });

    // The private key lives with the tokens (file store here), never in config.json.
    const stored = JSON.parse(readFileSync(join(t.home, 'tokens.json'), 'utf8')) as { profiles: { default: { tokens: { dpop_key: { alg: string; jwk: JWK } } } } };
    const key = stored.profiles.default.tokens.dpop_key;
    expect(key.alg).toBe('ES256');
    expect(typeof key.jwk.d).toBe('string');
    const { d: _d, ...pub } = key.jwk;
    expect(await calculateJwkThumbprint(pub)).toBe(set.dpop_jkt);

    const accepted = t.fixture.stats.apiDpopAccepted;
    const out = await call(['GET', '/people?limit=1']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ people: PEOPLE });
    expect(t.fixture.stats.apiDpopAccepted).toBe(accepted + 1);
    expect(t.fixture.stats.apiDpopKeys.at(-1)).toBe(set.dpop_jkt);
  });

  it('token show (text) names the key and its thumbprint; -o json has dpop_jkt', async () => {
    expect((await login(['--dpop'])).code).toBe(0);
    const text = await runCli(['token', 'show'], { home: t.home });
    const jkt = (await show()).dpop_jkt as string;
    expect(text.stdout).toMatch(new RegExp(`DPoP key\\s+ES256, thumbprint ${jkt}`));
    const token = (await runCli(['token'], { home: t.home })).stdout.trim();
    const header = await runCli(['token', '--format', 'header'], { home: t.home });
    expect(header.stdout).toBe(`Authorization: DPoP ${token}\n`);
  });

  it.each(['PS256', 'RS256', 'EdDSA'])('--dpop-alg %s: proofs signed with that algorithm, accepted by server and API', async (alg) => {
    expect((await login(['--dpop', '--dpop-alg', alg])).code).toBe(0);
    const proof = await runCli(['token', 'proof', 'GET', `${t.fixture.apiBaseUrl}/people`], { home: t.home });
    expect(proof.code).toBe(0);
    expect(decodeProtectedHeader(proof.stdout.trim()).alg).toBe(alg);
    const out = await call(['GET', '/people']);
    expect(out.code).toBe(0);
  });

  it('--dpop-alg outside the list is exit 2 before any request', async () => {
    const before = t.fixture.stats.tokenRequests.client_credentials ?? 0;
    const res = await login(['--dpop', '--dpop-alg', 'HS256']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/dpop_alg 'HS256'[^]*hint: use one of ES256, PS256, RS256, EdDSA/);
    expect(t.fixture.stats.tokenRequests.client_credentials ?? 0).toBe(before);
  });

  it('a server that demands DPoP of a login without it: exit 3, hint use --dpop', async () => {
    const res = await login();
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/DPoP/);
    expect(res.stderr).toContain('hint: use --dpop');
    expect(await runCli(['token'], { home: t.home }).then((r) => r.code)).toBe(5);
  });

  it('a profile saved with --dpop keeps dpop (and dpop_alg) in config.json, never a key; its login is DPoP', async () => {
    const add = await runCli(
      ['profile', 'add', 'bank', '--issuer', t.fixture.issuer, '--client-id', client().id, '--grant', 'client_credentials', '--scope', 'people:read', '--dpop', '--dpop-alg', 'EdDSA'],
      { home: t.home, env: env() },
    );
    expect(add.code).toBe(0);
    const config = readFileSync(join(t.home, 'config.json'), 'utf8');
    expect(JSON.parse(config).profiles.bank).toMatchObject({ dpop: true, dpop_alg: 'EdDSA' });
    const res = await runCli(['login', '-p', 'bank'], { home: t.home });
    expect(res.stderr).not.toMatch(/^oauthctl:/m);
    expect(res.code).toBe(0);
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).not.toMatch(/"d"|"jwk"|dpop_key/);
    const set = JSON.parse((await runCli(['token', 'show', '-p', 'bank', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(set.token_type).toBe('DPoP');
  });

  it('-v shows proofs decoded with the signature redacted, never the key or the raw proof', async () => {
    const res = await login(['--dpop', '-v']);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/> dpop: \{"alg":"ES256","typ":"dpop\+jwt","jwk":\{[^}]*\}\}\.\{"htm":"POST","htu":"[^"]+\/token"[^}]*\}\.\[redacted\] \(signature\)/);
    expect(res.stderr).not.toMatch(/> dpop: eyJ/);
    expect(res.stderr).not.toMatch(/"d":/);
  });
});

describe('DPoP nonces (RFC 9449 §8, §9): one retry, counted at the server', () => {
  it('authorization server: use_dpop_nonce → exactly two token requests; API: use_dpop_nonce → exactly two API requests', async () => {
    t.fixture.setDpopNonceRequired(true);
    t.fixture.resetStats();
    const res = await login(['--dpop', '-v']);
    expect(res.stderr).not.toMatch(/^oauthctl:/m);
    expect(res.code).toBe(0);
    expect(t.fixture.stats.tokenRequests).toEqual({ client_credentials: 2 });
    expect(t.fixture.stats.tokenErrors).toEqual({ client_credentials: 1 });
    expect(res.stderr).toMatch(/use_dpop_nonce/);

    t.fixture.setApiDpopNonce('api-nonce-1');
    t.fixture.resetStats();
    const out = await call(['GET', '/people']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ people: PEOPLE });
    expect(t.fixture.stats.apiRequests).toBe(2);
    expect(t.fixture.stats.apiDpopRejected).toEqual({ use_dpop_nonce: 1 });
    expect(t.fixture.stats.apiDpopAccepted).toBe(1);
    expect(t.fixture.stats.tokenRequests).toEqual({});
  });

  it('an API whose nonce changes on every request is asked twice, never in a loop (exit 6, no renewal)', async () => {
    expect((await login(['--dpop'])).code).toBe(0);
    let n = 0;
    t.fixture.setApiDpopNonce(() => `n-${++n}`);
    t.fixture.resetStats();
    const out = await call(['GET', '/people']);
    expect(out.code).toBe(6);
    expect(t.fixture.stats.apiRequests).toBe(2);
    expect(t.fixture.stats.apiDpopRejected).toEqual({ use_dpop_nonce: 2 });
    expect(t.fixture.stats.tokenRequests).toEqual({});
  });
});

describe('token proof METHOD URL', () => {
  it('prints one proof bound to the stored token; the real curl calls the API with it, once', async () => {
    expect((await login(['--dpop'])).code).toBe(0);
    const token = (await runCli(['token'], { home: t.home })).stdout.trim();
    const url = `${t.fixture.apiBaseUrl}/people?x=1#frag`;
    const res = await runCli(['token', 'proof', 'get', url], { home: t.home });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const proof = res.stdout.trim();
    expect(res.stdout).toBe(`${proof}\n`);
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect((header.jwk as JWK).d).toBeUndefined();
    const claims = decodeJwt(proof);
    expect(claims).toMatchObject({ htm: 'GET', htu: `${t.fixture.apiBaseUrl}/people` });
    expect(claims.ath).toBe((await import('node:crypto')).createHash('sha256').update(token).digest('base64url'));
    expect(typeof claims.jti).toBe('string');
    expect(typeof claims.iat).toBe('number');

    const curl = (auth: string, dpop: string) =>
      promisify(execFile)('curl', ['-s', '-w', '\\n%{http_code}', '-H', `Authorization: ${auth}`, '-H', `DPoP: ${dpop}`, `${t.fixture.apiBaseUrl}/people?x=1`]);
    const ok = await curl(`DPoP ${token}`, proof);
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('200');
    expect(JSON.parse(ok.stdout.trim().split('\n')[0] as string)).toEqual({ people: PEOPLE });
    // The same proof twice is a replay; a DPoP-bound token as Bearer is refused.
    const replay = await curl(`DPoP ${token}`, proof);
    expect(replay.stdout.trim().split('\n').at(-1)).toBe('401');
    const fresh = (await runCli(['token', 'proof', 'GET', `${t.fixture.apiBaseUrl}/people`], { home: t.home })).stdout.trim();
    const asBearer = await curl(`Bearer ${token}`, fresh);
    expect(asBearer.stdout.trim().split('\n').at(-1)).toBe('401');
    expect(t.fixture.stats.apiDpopRejected.replay).toBeGreaterThanOrEqual(1);
    expect(t.fixture.stats.apiDpopRejected.bearer_for_dpop_token).toBeGreaterThanOrEqual(1);
  });

  it('--nonce goes into the proof; /PATH resolves under --base-url', async () => {
    expect((await login(['--dpop'])).code).toBe(0);
    const res = await runCli(['token', 'proof', 'POST', '/people', '--nonce', 'abc', '--base-url', t.fixture.apiBaseUrl], { home: t.home });
    expect(res.code).toBe(0);
    expect(decodeJwt(res.stdout.trim())).toMatchObject({ htm: 'POST', htu: `${t.fixture.apiBaseUrl}/people`, nonce: 'abc' });
  });

  it('a Bearer token has no proof: exit 2 with a hint', async () => {
    const basic = t.fixture.clients.confidentialBasic;
    const ok = await runCli(['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', basic.id], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: basic.secret },
    });
    expect(ok.code).toBe(0);
    const res = await runCli(['token', 'proof', 'GET', `${t.fixture.apiBaseUrl}/people`], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/not DPoP-bound[^]*hint: log in with --dpop/);
  });
});

describe('renewal keeps the key', () => {
  it('an expired DPoP client_credentials token is renewed with the same key (same cnf.jkt)', async () => {
    expect((await login(['--dpop'])).code).toBe(0);
    const before = await show();
    const file = join(t.home, 'tokens.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { profiles: { default: { tokens: { expires_at: number } } } };
    stored.profiles.default.tokens.expires_at = Math.floor(Date.now() / 1000) - 10;
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    const token = await runCli(['token'], { home: t.home });
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).not.toBe(before.access_token);
    const info = await introspectAsServer(t.fixture, token.stdout.trim());
    expect(info).toMatchObject({ active: true, cnf: { jkt: before.dpop_jkt } });
  });

  it('authorization_code in headless Chromium: dpop_jkt in the authorization request, then token refresh with a proof of the same key', async () => {
    const pub = t.fixture.clients.publicNative;
    const res = await runCli(['login', '--dpop', '--issuer', t.fixture.issuer, '--client-id', pub.id, '--scope', 'openid offline_access'], {
      home: t.home,
      env: { BROWSER: chromiumBrowserCommand() },
      timeoutMs: 60_000,
    });
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    const set = await show();
    expect(set.token_type).toBe('DPoP');
    expect(res.stderr).toContain(`dpop_jkt=${set.dpop_jkt as string}`);
    const refreshed = await runCli(['token', 'refresh', '-o', 'json'], { home: t.home });
    expect(refreshed.stderr).not.toMatch(/oauthctl:/);
    expect(refreshed.code).toBe(0);
    const after = await show();
    expect(after.access_token).not.toBe(set.access_token);
    expect(after.dpop_jkt).toBe(set.dpop_jkt);
    expect(await introspectAsServer(t.fixture, after.access_token as string)).toMatchObject({ active: true, cnf: { jkt: set.dpop_jkt } });
    const out = await call(['GET', '/people']);
    expect(out.code).toBe(0);
  });
});

describe('DPoP with the device_code and password grants (dpop_bound_access_tokens client)', () => {
  /** The token set is DPoP-bound: `token_type` DPoP, the server's `cnf.jkt` is the stored key's thumbprint. */
  async function expectBound(): Promise<Record<string, unknown>> {
    const set = await show();
    expect(set.token_type).toBe('DPoP');
    expect(set.dpop_jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await introspectAsServer(t.fixture, set.access_token as string)).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: set.dpop_jkt } });
    return set;
  }

  /** `token refresh -v`: the refresh_token grant carries a proof of the same key (this client refuses one without). */
  async function expectRefreshWithProof(before: Record<string, unknown>): Promise<void> {
    t.fixture.resetStats();
    const res = await runCli(['token', 'refresh', '-v'], { home: t.home });
    expect(res.stderr).not.toMatch(/^oauthctl:/m);
    expect(res.code).toBe(0);
    expect(t.fixture.stats.tokenRequests).toEqual({ refresh_token: 1 });
    expect(t.fixture.stats.tokenErrors).toEqual({});
    const proof = /> dpop: (\{[^\n]*?\})\.(\{[^\n]*?\})\.\[redacted\] \(signature\)/.exec(res.stderr);
    expect(proof).not.toBeNull();
    const [header, claims] = [JSON.parse(proof![1]!), JSON.parse(proof![2]!)] as [{ typ: string; jwk: JWK }, { htm: string; htu: string }];
    expect(header.typ).toBe('dpop+jwt');
    expect(await calculateJwkThumbprint(header.jwk)).toBe(before.dpop_jkt);
    expect(claims).toMatchObject({ htm: 'POST', htu: `${t.fixture.issuer}/token` });
    const after = await expectBound();
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.dpop_jkt).toBe(before.dpop_jkt);
  }

  it('device_code (approved in headless Chromium): a DPoP-bound token; a refresh carries a proof of the same key', async () => {
    t.fixture.resetStats();
    const res = await runCli(['login', '--grant', 'device_code', '--dpop', '--issuer', t.fixture.issuer, '--client-id', client().id, '--scope', 'openid offline_access'], {
      home: t.home,
      env: { ...env(), BROWSER: chromiumBrowserCommand(), OAUTHCTL_TEST_DEVICE: '1' },
      timeoutMs: 60_000,
    });
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    // This client refuses token requests without a proof: every device_code poll carried one.
    expect(t.fixture.stats.tokenRequests[DEVICE_GRANT]).toBeGreaterThanOrEqual(1);
    expect(t.fixture.stats.tokenErrors[DEVICE_GRANT] ?? 0).toBeLessThan(t.fixture.stats.tokenRequests[DEVICE_GRANT] ?? 0);
    const set = await expectBound();
    expect(set.subject).toBe('alice');
    await expectRefreshWithProof(set);
  });

  it('password: a DPoP-bound token; a refresh carries a proof of the same key', async () => {
    const res = await runCli(['login', '--grant', 'password', '--dpop', '--issuer', t.fixture.issuer, '--client-id', client().id, '--username', 'alice', '--scope', 'openid offline_access'], {
      home: t.home,
      env: { ...env(), OAUTHCTL_PASSWORD: 'wonderland' },
    });
    expect(res.stderr).not.toMatch(/^oauthctl:/m);
    expect(res.code).toBe(0);
    const set = await expectBound();
    expect(set.subject).toBe('alice');
    await expectRefreshWithProof(set);
  });

  it('password without --dpop at this client: exit 3 with the hint use --dpop (the fixture grant demands the proof too)', async () => {
    const res = await runCli(['login', '--grant', 'password', '--issuer', t.fixture.issuer, '--client-id', client().id, '--username', 'alice', '--scope', 'openid'], {
      home: t.home,
      env: { ...env(), OAUTHCTL_PASSWORD: 'wonderland' },
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('hint: use --dpop');
  });
});

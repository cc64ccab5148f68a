/**
 * SPEC "Safety" and "Login details" against a hostile authorization server (issue 11): the real
 * oidc-provider of the fixture, with scripted answers (`injectFault`) where a hostile server would
 * lie. Through the built CLI: the device flow's waits are bounded whatever the server says, RFC
 * 9207's `iss` is required where the metadata promises it, absurd `expires_in` values are refused
 * with nothing stored, a refreshed ID token is validated and keeps its `sub`, an empty refusal gets
 * a hint, and the password grant names the user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeAuthorization } from '../fixtures/user-agent.js';
import { runCli, startCli, useFixture, type CliResult } from './cli.js';

const t = useFixture();

const URL_LINE = /^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m;
const PLANTED = 'planted-access-token-5b1e77';

function jsonError(res: CliResult): Record<string, unknown> {
  return (JSON.parse(res.stderr.trim().split('\n').at(-1) as string) as { error: Record<string, unknown> }).error;
}

function tokensFile(): string | undefined {
  try {
    return readFileSync(join(t.home, 'tokens.json'), 'utf8');
  } catch {
    return undefined;
  }
}

describe('device flow: every wait is bounded (SPEC "Safety")', () => {
  const device = () => t.fixture.clients.device.id;
  const deviceLogin = (timeout: string) => ['login', '--grant', 'device_code', '--issuer', t.fixture.issuer, '--client-id', device(), '--no-browser', '--timeout', timeout];
  const authorization = (extra: Record<string, unknown>) => ({
    route: 'device_authorization' as const,
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ device_code: 'dc-planted', user_code: 'WDJB-MJHT', verification_uri: `${t.fixture.issuer}/device`, ...extra }),
  });
  const forever = (error: string) => ({ route: 'token' as const, status: 400, contentType: 'application/json', body: JSON.stringify({ error }), times: Infinity });
  const polls = () => t.fixture.stats.tokenRequests['(fault)'] ?? 0;

  it('expires_in 1e12 with endless slow_down still ends at --timeout (exit 4)', async () => {
    t.fixture.injectFault(authorization({ expires_in: 1e12, interval: 1 }));
    t.fixture.injectFault(forever('slow_down'));
    const before = polls();
    const res = await runCli(deviceLogin('3'), { home: t.home });
    t.fixture.clearFaults();
    expect(res.code, res.stderr).toBe(4);
    expect(res.stderr).toMatch(/^oauthctl: the user did not approve within 3s/m);
    expect(res.stderr).toMatch(/expires_in 1000000000000s; waiting at most 1800s/);
    // slow_down grew the interval (1 s, then 6 s): one poll fits in 3 s.
    expect(polls() - before).toBeGreaterThanOrEqual(1);
    expect(polls() - before).toBeLessThanOrEqual(2);
    expect(tokensFile()).toBeUndefined();
  });

  it('interval 0.001 is taken as 1 s: a handful of polls, not hundreds', async () => {
    t.fixture.injectFault(authorization({ expires_in: 600, interval: 0.001 }));
    t.fixture.injectFault(forever('authorization_pending'));
    const before = polls();
    const res = await runCli([...deviceLogin('3'), '-o', 'json'], { home: t.home });
    t.fixture.clearFaults();
    expect(res.code, res.stderr).toBe(4);
    expect(jsonError(res)).toMatchObject({ code: 'timeout' });
    expect(res.stderr).toMatch(/interval 0\.001s; polling every 1s/);
    expect(polls() - before).toBeGreaterThanOrEqual(1);
    expect(polls() - before).toBeLessThanOrEqual(4);
  });

  it('interval 3e6 is taken as 5 min: no timer overflow, the wait ends at --timeout', async () => {
    t.fixture.injectFault(authorization({ expires_in: 600, interval: 3e6 }));
    t.fixture.injectFault(forever('authorization_pending'));
    const before = polls();
    const res = await runCli(deviceLogin('2'), { home: t.home });
    t.fixture.clearFaults();
    expect(res.code, res.stderr).toBe(4);
    expect(res.stderr).not.toMatch(/TimeoutOverflowWarning/);
    expect(res.stderr).toMatch(/polling every 300s/);
    expect(polls() - before).toBe(0);
  });
});

describe('RFC 9207: a callback without iss, where the metadata promises one', () => {
  const publicLogin = () => ['login', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid', '--no-browser'];

  it('is refused with 400 and the wait goes on (oidc-provider advertises authorization_response_iss_parameter_supported)', async () => {
    const cli = startCli(publicLogin(), { home: t.home });
    const url = (await cli.waitForStderr(URL_LINE))[1] as string;
    const redirected = new URL(await completeAuthorization(url, { username: 'alice' }));
    expect(redirected.searchParams.get('iss')).toBe(t.fixture.issuer);
    const stripped = new URL(redirected);
    stripped.searchParams.delete('iss');

    const refused = await fetch(stripped);
    expect(refused.status).toBe(400);
    expect(cli.child.exitCode).toBeNull();

    const delivered = await fetch(redirected);
    expect(delivered.status).toBe(200);
    const res = await cli.done;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('Logged in as alice');
  });

  it('is accepted from a server whose metadata does not promise iss', async () => {
    const served = (await (await fetch(`${t.fixture.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    t.fixture.injectFault({
      route: 'discovery',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ...served, authorization_response_iss_parameter_supported: false }),
    });
    const cli = startCli(publicLogin(), { home: t.home });
    const url = (await cli.waitForStderr(URL_LINE))[1] as string;
    const stripped = new URL(await completeAuthorization(url, { username: 'alice' }));
    stripped.searchParams.delete('iss');
    expect((await fetch(stripped)).status).toBe(200);
    const res = await cli.done;
    expect(res.code, res.stderr).toBe(0);
  });
});

describe('numbers from servers: expires_in', () => {
  const c = () => t.fixture.clients.confidentialBasic;
  const ccLogin = (extra: string[] = []) => ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c().id, ...extra];
  const answer = (expiresIn: string) => ({
    route: 'token' as const,
    status: 200,
    contentType: 'application/json',
    body: `{"access_token":"${PLANTED}","token_type":"Bearer","expires_in":${expiresIn}}`,
  });

  it.each([['1e300'], ['-60'], ['1e400'], ['"-5"']])('expires_in %s is exit 4 naming it; -o json carries the code, nothing is stored', async (value) => {
    t.fixture.injectFault(answer(value));
    const res = await runCli(ccLogin(['-o', 'json']), { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c().secret } });
    expect(res.code, res.stderr).toBe(4);
    expect(res.stdout).toBe('');
    const error = jsonError(res);
    expect(error).toMatchObject({ code: 'token_response_invalid_expires_in', status: 200 });
    expect(error).not.toHaveProperty('oauth_error');
    expect(String(error.message)).toContain('expires_in');
    expect(res.stderr).not.toContain(PLANTED);
    expect(tokensFile()).toBeUndefined();
  });

  it('in text, one error line naming expires_in', async () => {
    t.fixture.injectFault(answer('1e300'));
    const res = await runCli(ccLogin(), { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c().secret } });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/^oauthctl: .*expires_in that is beyond 10 years \(1e\+300\)$/m);
    expect(res.stderr).not.toMatch(/Invalid time value|RangeError/);
  });
});

describe('a token endpoint that refuses with an empty body', () => {
  const c = () => t.fixture.clients.confidentialBasic;

  it.each([400, 401, 403])('%i: exit 4 with a hint naming the likely causes', async (status) => {
    t.fixture.injectFault({ route: 'token', status });
    const res = await runCli(['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c().id], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: c().secret },
    });
    expect(res.code, res.stderr).toBe(4);
    const lines = res.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(new RegExp(`^oauthctl: token endpoint .* answered ${status} with an empty body`));
    expect(lines[1]).toMatch(/^hint: .*client id.*secret.*scope.*redirect URI/);
  });
});

describe('password grant without an ID token: the login line names the user', () => {
  const c = () => t.fixture.clients.confidentialBasic;
  const passwordLogin = (extra: string[]) => [
    'login', '--grant', 'password', '--issuer', t.fixture.issuer, '--client-id', c().id, '--username', 'alice', '--password-stdin', ...extra,
  ];

  it('a JWT access token: its subject, as token show says', async () => {
    const res = await runCli(passwordLogin(['--scope', 'people:read', '--resource', t.fixture.jwtResource]), {
      home: t.home,
      input: 'wonderland\n',
      env: { OAUTHCTL_CLIENT_SECRET: c().secret },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/Logged in as alice,/);
    expect(res.stderr).not.toContain(`client ${c().id}`);
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show).toMatchObject({ subject: 'alice', has_id_token: false });
  });

  it('an opaque access token: the username given', async () => {
    const res = await runCli(passwordLogin(['--scope', 'people:read']), { home: t.home, input: 'wonderland\n', env: { OAUTHCTL_CLIENT_SECRET: c().secret } });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/Logged in as alice,/);
  });
});

describe('a refreshed ID token is validated, and keeps its sub (OIDC Core §12.2)', () => {
  const c = () => t.fixture.clients.confidentialBasic;
  const env = () => ({ OAUTHCTL_CLIENT_SECRET: c().secret });
  const passwordLogin = (user: string, extra: string[] = []) => [
    'login', '--grant', 'password', '--issuer', t.fixture.issuer, '--client-id', c().id, '--username', user, '--password-stdin',
    '--scope', 'openid offline_access', ...extra,
  ];

  /** A real ID token, signed by the provider, for bob (same issuer, same client). */
  async function bobsIdToken(): Promise<string> {
    const res = await runCli(passwordLogin('bob', ['--token-store', 'none', '-o', 'json']), { home: t.home, input: 'builder\n', env: env() });
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { id_token: string }).id_token;
  }

  async function refreshAnswering(idToken: string): Promise<CliResult> {
    const alice = await runCli(passwordLogin('alice'), { home: t.home, input: 'wonderland\n', env: env() });
    expect(alice.code, alice.stderr).toBe(0);
    const stored = tokensFile();
    t.fixture.injectFault({
      route: 'token',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ access_token: PLANTED, token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-planted', id_token: idToken }),
    });
    const res = await runCli(['token', 'refresh', '-o', 'json'], { home: t.home, env: env() });
    expect(tokensFile()).toBe(stored);
    return res;
  }

  it("another user's (validly signed) ID token is refused: exit 4, id_token_sub_changed, nothing stored", async () => {
    const res = await refreshAnswering(await bobsIdToken());
    expect(res.code, res.stderr).toBe(4);
    expect(jsonError(res)).toMatchObject({ code: 'id_token_sub_changed' });
    expect(res.stdout).toBe('');
  });

  it('a forged signature is refused: exit 4, id_token_signature_invalid', async () => {
    const [h, p, s] = (await bobsIdToken()).split('.') as [string, string, string];
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'alice' })).toString('base64url')}.${s}`;
    const res = await refreshAnswering(forged);
    expect(res.code, res.stderr).toBe(4);
    expect(jsonError(res)).toMatchObject({ code: 'id_token_signature_invalid' });
  });

  it('a genuine refresh still works and keeps the subject', async () => {
    const alice = await runCli(passwordLogin('alice'), { home: t.home, input: 'wonderland\n', env: env() });
    expect(alice.code, alice.stderr).toBe(0);
    const res = await runCli(['token', 'refresh', '-v'], { home: t.home, env: env() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/ID token validated \(signature, iss, aud, exp, same sub\)/);
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show).toMatchObject({ subject: 'alice', has_id_token: true });
  });
});

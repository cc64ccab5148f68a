/**
 * Narrower tokens per call (SPEC "Using tokens elsewhere"): `--scope`/`--audience`/`--resource` on
 * `token`, `call` and `exec`, obtained through the refresh token (RFC 6749 §6, RFC 8707 §2.2) or a
 * new client-credentials grant, cached beside the profile's set, never confused with another.
 */
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from './cli.js';
import { introspectAsServer, loginAlice, storedTokens, tokensFile } from './lifecycle-helpers.js';

const t = useFixture();
const refreshes = () => t.fixture.stats.tokenRequests.refresh_token ?? 0;
const token = async (args: string[]) => {
  const res = await runCli(['token', ...args], { home: t.home });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return res.stdout.trim();
};

describe('narrower tokens through the refresh token', () => {
  it('--scope: a refresh_token grant with that scope; cached; the profile\'s set kept; the rotated refresh token kept', async () => {
    await loginAlice(t.fixture, t.home, ['--scope', 'openid offline_access profile email']);
    const before = await storedTokens(t.home);
    const count = refreshes();

    const narrow = await token(['--scope', 'openid']);
    expect(refreshes()).toBe(count + 1);
    expect(narrow).not.toBe(before.access_token);
    expect(await introspectAsServer(t.fixture, narrow)).toMatchObject({ active: true, scope: 'openid' });

    // The profile's own set: the same access token; the refresh token the server rotated.
    const after = await storedTokens(t.home);
    expect(after.access_token).toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(await introspectAsServer(t.fixture, after.refresh_token as string)).toMatchObject({ active: true });
    expect(await token([])).toBe(before.access_token);

    // Cached under exactly those values (order and repeats do not matter), renewed like the set.
    expect(await token(['--scope', 'openid'])).toBe(narrow);
    const two = await token(['--scope', 'profile openid']);
    expect(await token(['--scope', 'openid', '--scope', 'profile', '--scope', 'openid'])).toBe(two);
    expect(two).not.toBe(narrow);
    expect(await introspectAsServer(t.fixture, two)).toMatchObject({ active: true, scope: 'openid profile' });
    expect(refreshes()).toBe(count + 2);
    const renewed = await token(['--scope', 'openid', '--min-ttl', '999999']);
    expect(renewed).not.toBe(narrow);
    expect(await token(['--scope', 'openid'])).toBe(renewed);

    // The whole lineage still works: the profile's own refresh.
    expect((await runCli(['token', 'refresh'], { home: t.home })).code).toBe(0);
  });

  it('--resource on refresh (RFC 8707 §2.2): the token is for that audience; a resource the grant lacks is the server\'s invalid_target', async () => {
    const api = t.fixture.apiBaseUrl;
    await loginAlice(t.fixture, t.home, ['--scope', 'openid offline_access people:read', '--resource', api]);
    const narrow = await token(['--resource', api, '--scope', 'people:read']);
    expect(await introspectAsServer(t.fixture, narrow)).toMatchObject({ active: true, aud: api, scope: 'people:read' });
    const call = await runCli(['call', 'GET', '/people', '--base-url', api, '--resource', api, '--scope', 'people:read', '-v'], { home: t.home });
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toHaveProperty('people');
    expect(refreshes()).toBeGreaterThan(0);
    const other = await runCli(['token', '--resource', 'urn:not-granted'], { home: t.home });
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/invalid_target/);
  });

  it('a narrower token is never returned for other values, nor stored in place of the profile\'s', async () => {
    await loginAlice(t.fixture, t.home, ['--scope', 'openid offline_access profile']);
    const own = (await storedTokens(t.home)).access_token;
    const a = await token(['--scope', 'openid']);
    const b = await token(['--scope', 'profile']);
    expect(new Set([own, a, b]).size).toBe(3);
    const file = JSON.parse(tokensFile(t.home)) as { profiles: { default: { tokens: { access_token: string }; narrow: { target: unknown; tokens: { access_token: string; refresh_token?: string } }[] } } };
    expect(file.profiles.default.tokens.access_token).toBe(own);
    expect(file.profiles.default.narrow.map((n) => n.target)).toEqual([
      { scope: ['profile'], audience: [], resource: [] },
      { scope: ['openid'], audience: [], resource: [] },
    ]);
    // Only the profile's set holds the (single, rotating) refresh token.
    expect(file.profiles.default.narrow.every((n) => n.tokens.refresh_token === undefined)).toBe(true);
  });

  it('logout forgets the narrower tokens with the set', async () => {
    await loginAlice(t.fixture, t.home);
    await token(['--scope', 'openid']);
    expect((await runCli(['logout'], { home: t.home })).code).toBe(0);
    expect(tokensFile(t.home)).not.toContain('narrow');
    expect((await runCli(['token', '--scope', 'openid'], { home: t.home })).code).toBe(5);
  });
});

describe('narrower tokens through client credentials', () => {
  it('a new client_credentials grant for those values (a JWT for the JWT resource); the profile\'s opaque token stays', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const login = await runCli(['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c.id, '--scope', 'people:read'], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: c.secret },
    });
    expect(login.code).toBe(0);
    const own = await token([]);
    const count = t.fixture.stats.tokenRequests.client_credentials ?? 0;
    const env = { OAUTHCTL_CLIENT_SECRET: c.secret };
    const jwt = await runCli(['token', '--resource', t.fixture.jwtResource, '--scope', 'people:read', '--format', 'json'], { home: t.home, env });
    expect(jwt.code).toBe(0);
    const narrow = (JSON.parse(jwt.stdout) as { access_token: string }).access_token;
    expect(narrow.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(narrow.split('.')[1] as string, 'base64url').toString()) as { aud: string };
    expect(claims.aud).toBe(t.fixture.jwtResource);
    expect(t.fixture.stats.tokenRequests.client_credentials).toBe(count + 1);
    expect(await token([])).toBe(own);
    expect((await runCli(['token', '--resource', t.fixture.jwtResource, '--scope', 'people:read'], { home: t.home })).stdout.trim()).toBe(narrow);
  });

  it('the CI one-liner with --token-store none: one grant for those values, stored nowhere', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const res = await runCli(
      ['token', '--token-store', 'none', '--grant', 'client_credentials', '--token-url', `${t.fixture.issuer}/token`, '--client-id', c.id, '--no-discovery', '--scope', 'people:read'],
      { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c.secret } },
    );
    expect(res.code).toBe(0);
    expect(await introspectAsServer(t.fixture, res.stdout.trim())).toMatchObject({ active: true, scope: 'people:read' });
    expect(tokensFile(t.home)).toBe('');
  });
});

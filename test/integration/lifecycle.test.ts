/** The token lifecycle through the built CLI: refresh, revoke, logout, introspect, userinfo. */
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from './cli.js';
import { introspectAsServer, loginAlice, storedTokens, tokensFile } from './lifecycle-helpers.js';

const t = useFixture();

describe('token refresh', () => {
  it('returns a new access token with exactly one refresh_token grant; the rotated refresh token works next time', async () => {
    await loginAlice(t.fixture, t.home);
    const before = await storedTokens(t.home);
    const count = t.fixture.stats.tokenRequests.refresh_token ?? 0;
    const res = await runCli(['token', 'refresh', '-o', 'json'], { home: t.home });
    expect(res.code).toBe(0);
    const refreshed = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(refreshed.access_token).not.toBe(before.access_token);
    expect(refreshed.refresh_token).not.toBe(before.refresh_token);
    expect(t.fixture.stats.tokenRequests.refresh_token).toBe(count + 1);
    expect((await storedTokens(t.home)).refresh_token).toBe(refreshed.refresh_token);

    const again = await runCli(['token', 'refresh'], { home: t.home });
    expect(again.stderr).toContain('Refreshed profile default');
    expect(again.code).toBe(0);
    expect(t.fixture.stats.tokenRequests.refresh_token).toBe(count + 2);
  });

  it('a refresh token revoked at the server makes `token` exit 5 with advice, and it leaves the store', async () => {
    await loginAlice(t.fixture, t.home);
    const { refresh_token } = await storedTokens(t.home);
    expect(await t.fixture.revokeToken(refresh_token as string)).toBe(true);
    const res = await runCli(['token', '--min-ttl', '999999'], { home: t.home });
    expect(res.code).toBe(5);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('invalid_grant');
    expect(res.stderr).toContain('hint: run `oauthctl login`');
    expect(tokensFile(t.home)).not.toContain(refresh_token as string);
    expect((await runCli(['token', 'show'], { home: t.home })).code).toBe(5);
  });
});

describe('token revoke and logout', () => {
  it('token revoke makes introspection answer active: false for both tokens, and empties the store', async () => {
    await loginAlice(t.fixture, t.home);
    const { access_token, refresh_token } = await storedTokens(t.home);
    expect((await introspectAsServer(t.fixture, access_token)).active).toBe(true);
    const res = await runCli(['token', 'revoke'], { home: t.home });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('Revoked refresh token and access token');
    expect((await introspectAsServer(t.fixture, access_token)).active).toBe(false);
    expect((await introspectAsServer(t.fixture, refresh_token as string)).active).toBe(false);
    expect(tokensFile(t.home)).not.toContain(access_token);
    expect((await runCli(['token'], { home: t.home })).code).toBe(5);
  });

  it('logout revokes where it can, and succeeds offline with a warning', async () => {
    await loginAlice(t.fixture, t.home);
    const online = await runCli(['logout'], { home: t.home });
    expect(online.code).toBe(0);
    expect(online.stderr).toContain('revoked at the server');

    await loginAlice(t.fixture, t.home);
    const offline = await runCli(['logout', '--revoke-url', 'http://127.0.0.1:9/revoke', '-o', 'json'], { home: t.home });
    expect(offline.code).toBe(0);
    expect(offline.stderr).toMatch(/^warning: could not revoke at the server/m);
    expect(JSON.parse(offline.stdout)).toMatchObject({ profile: 'default', revoked: [] });
    expect((await runCli(['token'], { home: t.home })).code).toBe(5);
  });
});

describe('introspect and userinfo', () => {
  it('introspects the stored access token (text and the raw answer with -o json)', async () => {
    await loginAlice(t.fixture, t.home);
    const text = await runCli(['introspect'], { home: t.home });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^active\s+true$/m);
    expect(text.stdout).toMatch(/^sub\s+alice$/m);
    const json = await runCli(['introspect', '-o', 'json'], { home: t.home });
    expect(JSON.parse(json.stdout)).toMatchObject({ active: true, sub: 'alice', client_id: 'confidential-basic' });
  });

  it('introspects a token given on stdin, and says inactive for garbage', async () => {
    await loginAlice(t.fixture, t.home);
    const res = await runCli(['introspect', '-', '-o', 'json'], { home: t.home, input: 'not-a-real-token\n' });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ active: false });
  });

  it('userinfo prints the claims of the stored token', async () => {
    await loginAlice(t.fixture, t.home, ['--scope', 'openid email offline_access']);
    const res = await runCli(['userinfo', '-o', 'json'], { home: t.home });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ sub: 'alice', email: 'alice@example.com' });
  });
});

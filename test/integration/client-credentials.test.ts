/**
 * The first vertical slice through the built CLI against the real oidc-provider fixture:
 * client_credentials login with flags only, `token`, `token show`, errors and redaction.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort, runCli, useFixture } from './cli.js';
import { introspectAsServer } from './lifecycle-helpers.js';

const t = useFixture();


const basic = () => t.fixture.clients.confidentialBasic;

/** Flags only, no config file: what a CI script does. */
function ccArgs(client = basic(), extra: string[] = []): string[] {
  return ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', client.id, '--scope', 'people:read', ...extra];
}



describe('login --grant client_credentials', () => {
  it('works with flags only; then `token` prints a token the server calls active', async () => {
    const login = await runCli(ccArgs(basic(), ['--client-secret-stdin']), { home: t.home, input: `${basic().secret}\n` });
    expect(login.stderr).toContain("Logged in as client");
    expect(login.code).toBe(0);
    expect(login.stdout).toBe('');
    expect(existsSync(join(t.home, 'config.json'))).toBe(false);

    const token = await runCli(['token'], { home: t.home });
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^\S+\n$/);
    const info = await introspectAsServer(t.fixture, token.stdout.trim());
    expect(info.active).toBe(true);
    expect(info.client_id).toBe(basic().id);
  });

  it('authenticates with client_secret_post and prints the token set with -o json', async () => {
    const post = t.fixture.clients.confidentialPost;
    const res = await runCli([...ccArgs(post), '--client-auth', 'client_secret_post', '-o', 'json'], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: post.secret },
    });
    expect(res.code).toBe(0);
    const set = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(set).toMatchObject({ token_type: 'Bearer', scope: 'people:read' });
    expect(set.access_token).toBeTypeOf('string');
    expect(set.expires_in).toBeGreaterThan(0);
    expect(new Date(set.expires_at as string).toISOString()).toBe(set.expires_at);
  });

  it('keeps the secret out of config.json and tokens.json 0600', async () => {
    await runCli(ccArgs(), { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: basic().secret } });
    const file = join(t.home, 'tokens.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(t.home).mode & 0o777).toBe(0o700);
    expect(existsSync(join(t.home, 'config.json'))).toBe(false);
  });

  it('exits 3 naming invalid_client for a wrong secret, and stores nothing', async () => {
    const res = await runCli(ccArgs(), { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: 'wrong-secret' } });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^oauthctl: .*invalid_client/m);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(t.home, 'tokens.json')) ? readFileSync(join(t.home, 'tokens.json'), 'utf8') : '').not.toContain('access_token');

    const json = await runCli([...ccArgs(), '-o', 'json'], { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: 'wrong-secret' } });
    expect(json.code).toBe(3);
    const err = JSON.parse(json.stderr.trim().split('\n').pop() as string) as { error: Record<string, unknown> };
    expect(err.error).toMatchObject({ code: 'invalid_client', oauth_error: 'invalid_client', status: 401 });
  });

  it('exits 4 with one line naming the URL when the port is closed', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/token`;
    const res = await runCli(['login', '--grant', 'client_credentials', '--token-url', url, '--client-id', 'x'], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: 's3cret-value' },
    });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain(`oauthctl: cannot reach ${url}: connection refused`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('never shows the secret or the token under -v', async () => {
    const res = await runCli([...ccArgs(), '-v', '-o', 'json'], { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: basic().secret } });
    expect(res.code).toBe(0);
    const accessToken = (JSON.parse(res.stdout) as { access_token: string }).access_token;
    expect(res.stderr).toContain('> POST');
    expect(res.stderr).toContain('authorization: Basic [redacted]');
    expect(res.stderr).toContain('"access_token":"[redacted]"');
    expect(res.stderr).not.toContain(basic().secret);
    expect(res.stderr).not.toContain(accessToken);

    const token = await runCli(['token', '-v', '--min-ttl', '999999'], { home: t.home });
    expect(token.code).toBe(0);
    expect(token.stderr).not.toContain(basic().secret);
    expect(token.stderr).not.toContain(token.stdout.trim());
  });

  it('makes no /.well-known request with explicit endpoints and --no-discovery', async () => {
    const before = t.fixture.stats.endpointRequests.discovery ?? 0;
    const res = await runCli(
      ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--token-url', `${t.fixture.issuer}/token`, '--no-discovery', '--client-id', basic().id],
      { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: basic().secret } },
    );
    expect(res.code).toBe(0);
    expect(t.fixture.stats.endpointRequests.discovery ?? 0).toBe(before);
  });
});

describe('token', () => {
  it('exits 5 with advice when nothing is stored', async () => {
    const res = await runCli(['token'], { home: t.home });
    expect(res.code).toBe(5);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('hint: run `oauthctl login`');
  });

  it('obtains a new client_credentials token when the stored one is too close to expiry', async () => {
    await runCli(ccArgs(), { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: basic().secret } });
    const first = (await runCli(['token'], { home: t.home })).stdout;
    const again = (await runCli(['token'], { home: t.home })).stdout;
    expect(again).toBe(first);
    const before = t.fixture.stats.tokenRequests.client_credentials ?? 0;
    const renewed = await runCli(['token', '--min-ttl', '999999'], { home: t.home });
    expect(renewed.code).toBe(0);
    expect(renewed.stdout).not.toBe(first);
    expect(t.fixture.stats.tokenRequests.client_credentials).toBe(before + 1);
  });

  it('shows the stored set without secrets, and with them on --reveal', async () => {
    await runCli(ccArgs(), { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: basic().secret } });
    const token = (await runCli(['token'], { home: t.home })).stdout.trim();
    const show = await runCli(['token', 'show', '-o', 'json'], { home: t.home });
    expect(show.code).toBe(0);
    const meta = JSON.parse(show.stdout) as Record<string, unknown>;
    expect(meta).toMatchObject({
      profile: 'default',
      issuer: t.fixture.issuer,
      client_id: basic().id,
      token_type: 'Bearer',
      scope: 'people:read',
      has_refresh_token: false,
      has_id_token: false,
      store: 'file',
    });
    expect(meta.expires_in).toBeGreaterThan(0);
    expect(show.stdout).not.toContain(token);
    const text = await runCli(['token', 'show'], { home: t.home });
    expect(text.stdout).toContain('Expires');
    expect(text.stdout).not.toContain(token);
    const reveal = await runCli(['token', 'show', '--reveal', '-o', 'json'], { home: t.home });
    expect((JSON.parse(reveal.stdout) as Record<string, unknown>).access_token).toBe(token);
  });
});

describe('profiles', () => {
  it('saves a profile (secret in the store, never in config.json) and logs in with it', async () => {
    const add = await runCli(
      ['profile', 'add', 'ci', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', basic().id, '--scope', 'people:read', '--client-secret-stdin'],
      { home: t.home, input: basic().secret },
    );
    expect(add.code).toBe(0);
    const config = readFileSync(join(t.home, 'config.json'), 'utf8');
    expect(config).not.toContain(basic().secret);
    expect(JSON.parse(config)).toMatchObject({ current: 'ci', profiles: { ci: { client_id: basic().id } } });
    expect(statSync(join(t.home, 'config.json')).mode & 0o777).toBe(0o600);

    const login = await runCli(['login'], { home: t.home });
    expect(login.code).toBe(0);
    expect((await runCli(['token', '-p', 'ci'], { home: t.home })).code).toBe(0);

    const list = await runCli(['profile', 'list'], { home: t.home });
    expect(list.stdout).toMatch(/^\* ci/m);
    await runCli(['profile', 'add', 'other', '--token-url', `${t.fixture.issuer}/token`, '--client-id', 'x', '--client-auth', 'none'], { home: t.home });
    expect((await runCli(['profile', 'use', 'other'], { home: t.home })).code).toBe(0);
    expect(JSON.parse((await runCli(['profile', 'show', '-o', 'json'], { home: t.home })).stdout)).toMatchObject({ name: 'other', current: true });
    expect((await runCli(['profile', 'remove', 'ci'], { home: t.home })).code).toBe(0);
    expect((await runCli(['token', '-p', 'ci'], { home: t.home })).code).toBe(5);
  });

  it('without a terminal, a missing field is exit 2 naming the flags', async () => {
    const res = await runCli(['profile', 'add', 'dev'], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--issuer');
    expect(res.stderr).toContain('--client-id');
    const login = await runCli(['login'], { home: t.home });
    expect(login.code).toBe(2);
    expect(login.stderr).toContain('--issuer');
  });

  it('refuses a damaged config.json with its position, and leaves it alone', async () => {
    const path = join(t.home, 'config.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, '{\n  "profiles": {,\n}\n');
    const res = await runCli(['token'], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${path} is not valid JSON (line 2, column 16`);
    expect(readFileSync(path, 'utf8')).toBe('{\n  "profiles": {,\n}\n');
  });
});

describe('discover', () => {
  it('prints the metadata, and the document as served with -o json', async () => {
    const text = await runCli(['discover', t.fixture.issuer], { home: t.home });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^token_endpoint\\s+${t.fixture.issuer}/token$`, 'm'));
    const json = await runCli(['discover', t.fixture.issuer, '-o', 'json'], { home: t.home });
    const served = await (await fetch(`${t.fixture.issuer}/.well-known/openid-configuration`)).text();
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(served));
  });

  it('takes the issuer as --issuer too, as every profile field (SPEC "Profiles"); two different ones are exit 2', async () => {
    const served = await (await fetch(`${t.fixture.issuer}/.well-known/openid-configuration`)).text();
    const json = await runCli(['discover', '--issuer', t.fixture.issuer, '-o', 'json'], { home: t.home });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(served));
    const before = t.fixture.stats.endpointRequests.discovery ?? 0;
    const both = await runCli(['discover', 'https://other.example', '--issuer', t.fixture.issuer], { home: t.home });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^oauthctl: two issuers given/);
    expect(t.fixture.stats.endpointRequests.discovery ?? 0).toBe(before);
  });

  it('rejects metadata for another issuer (exit 4)', async () => {
    const res = await runCli(['discover', `${t.fixture.issuer}/`], { home: t.home });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain('is for issuer');
  });

  it('refuses plain http to a non-loopback host before any request (exit 2)', async () => {
    const res = await runCli(['discover', 'http://auth.example.com'], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('refusing plain http://');
  });
});

/**
 * `register` (RFC 7591) and `profile remove --unregister` (RFC 7592) through the built CLI against
 * oidc-provider's own registration endpoints: open registration, and (second fixture) registration
 * guarded by an initial access token.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from '../fixtures/server.js';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { runCli, tempHome, useFixture } from './cli.js';

const t = useFixture();

type Json = Record<string, unknown>;
const readJson = (home: string, file: string) => JSON.parse(readFileSync(join(home, file), 'utf8')) as Json;
const profiles = (home: string) => readJson(home, 'config.json').profiles as Record<string, Json>;
const storeEntry = (home: string, name: string) => (readJson(home, 'tokens.json').profiles as Record<string, Json>)[name];

describe('register (RFC 7591)', () => {
  it('registers a native public client with the defaults, then a browser login works with it', async () => {
    const reg = await runCli(['register', '-p', 'dev', '--issuer', t.fixture.issuer, '-o', 'json'], { home: t.home });
    expect(reg.stderr).toBe('');
    expect(reg.code).toBe(0);
    const answer = JSON.parse(reg.stdout) as Json;
    expect(answer).toMatchObject({
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      registration_access_token: '[redacted]',
    });
    const clientId = answer.client_id as string;
    expect(await t.fixture.clientExists(clientId)).toBe(true);

    // The profile holds no secret; the registration access token is in the store.
    const profile = profiles(t.home).dev;
    expect(profile).toEqual({ issuer: t.fixture.issuer, client_id: clientId, client_auth: 'none' });
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).not.toMatch(/registration_access_token|access_token/);
    expect(storeEntry(t.home, 'dev')?.registration).toMatchObject({ access_token: expect.any(String), client_uri: expect.stringContaining(clientId) });

    const login = await runCli(['login', '-p', 'dev', '--scope', 'openid offline_access'], {
      home: t.home,
      env: { BROWSER: chromiumBrowserCommand() },
      timeoutMs: 60_000,
    });
    expect(login.stderr).toContain('Logged in as alice, profile dev');
    expect(login.code).toBe(0);
    const show = JSON.parse((await runCli(['token', 'show', '-p', 'dev', '-o', 'json'], { home: t.home })).stdout) as Json;
    expect(show).toMatchObject({ client_id: clientId, subject: 'alice', has_refresh_token: true });
  });

  it('--grant, --client-auth, --client-name and --metadata (merged last); --reveal shows the secrets, which go to the store only', async () => {
    const metaFile = join(t.home, 'meta.json');
    writeFileSync(metaFile, JSON.stringify({ client_name: 'from metadata', client_uri: 'https://example.com/app' }));
    const res = await runCli(
      ['register', '-p', 'ci', '--issuer', t.fixture.issuer, '--grant', 'client_credentials', '--client-auth', 'client_secret_post', '--client-name', 'flag', '--metadata', `@${metaFile}`, '-o', 'json', '--reveal'],
      { home: t.home },
    );
    expect(res.code).toBe(0);
    const answer = JSON.parse(res.stdout) as Json;
    expect(answer).toMatchObject({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', client_name: 'from metadata', client_uri: 'https://example.com/app' });
    expect(answer.client_secret).toMatch(/^[\w-]{20,}$/);
    expect(profiles(t.home).ci).toMatchObject({ client_auth: 'client_secret_post', grant: 'client_credentials' });
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).not.toContain(answer.client_secret as string);
    expect(storeEntry(t.home, 'ci')?.client_secret).toBe(answer.client_secret);

    // The saved profile is enough for a client_credentials token.
    const token = await runCli(['token', '-p', 'ci'], { home: t.home });
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^\S+\n$/);
  });

  it('text output redacts the secrets and says where they went', async () => {
    const res = await runCli(['register', '-p', 'txt', '--issuer', t.fixture.issuer, '--grant', 'client_credentials'], { home: t.home });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/client_secret\s+\[redacted\]/);
    const secret = storeEntry(t.home, 'txt')?.client_secret as string;
    expect(res.stdout + res.stderr).not.toContain(secret);
    expect(res.stderr).toMatch(/client secret and registration access token kept in the token store/);
  });

  it('-v traces the registration with every secret redacted', async () => {
    const res = await runCli(['register', '-p', 'traced', '--issuer', t.fixture.issuer, '--grant', 'client_credentials', '-v'], { home: t.home });
    expect(res.code).toBe(0);
    const entry = storeEntry(t.home, 'traced') as { client_secret: string; registration: { access_token: string } };
    expect(res.stderr).toContain('[redacted]');
    expect(res.stderr).not.toContain(entry.client_secret);
    expect(res.stderr).not.toContain(entry.registration.access_token);
  });

  it('profile remove --unregister deletes the client at the server, then the profile and its secrets', async () => {
    const reg = await runCli(['register', '-p', 'gone', '--issuer', t.fixture.issuer, '-o', 'json'], { home: t.home });
    const clientId = (JSON.parse(reg.stdout) as Json).client_id as string;
    expect(await t.fixture.clientExists(clientId)).toBe(true);
    const res = await runCli(['profile', 'remove', 'gone', '--unregister'], { home: t.home });
    expect(res.stderr).toContain('Deleted the client registration and removed profile gone');
    expect(res.code).toBe(0);
    expect(await t.fixture.clientExists(clientId)).toBe(false);
    expect(profiles(t.home).gone).toBeUndefined();
    expect(storeEntry(t.home, 'gone')).toBeUndefined();
  });

  it('profile remove --unregister refused by the server (a wrong registration access token): nothing removed', async () => {
    const reg = await runCli(['register', '-p', 'kept', '--issuer', t.fixture.issuer, '-o', 'json'], { home: t.home });
    const clientId = (JSON.parse(reg.stdout) as Json).client_id as string;
    const file = join(t.home, 'tokens.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, { registration: { access_token: string } }> };
    (doc.profiles.kept as { registration: { access_token: string } }).registration.access_token = 'not-the-registration-access-token';
    writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
    const res = await runCli(['profile', 'remove', 'kept', '--unregister'], { home: t.home });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^oauthctl: unregistration failed: invalid_token/);
    expect(await t.fixture.clientExists(clientId)).toBe(true);
    expect(profiles(t.home).kept).toBeDefined();
  });

  it('profile remove --unregister of a profile that was not registered: exit 2, nothing removed', async () => {
    await runCli(['profile', 'add', 'plain', '--issuer', t.fixture.issuer, '--client-id', 'public-native'], { home: t.home });
    const res = await runCli(['profile', 'remove', 'plain', '--unregister'], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^oauthctl: no registration access token/);
    expect(res.stderr).toMatch(/hint: .*without --unregister/);
    expect(profiles(t.home).plain).toBeDefined();
  });

  it('a server without registration_endpoint: exit 2 with the hint --registration-url', async () => {
    const metadata = (await (await fetch(`${t.fixture.issuer}/.well-known/openid-configuration`)).json()) as Json;
    delete metadata.registration_endpoint;
    t.fixture.injectFault({ route: 'discovery', status: 200, contentType: 'application/json', body: JSON.stringify(metadata) });
    const res = await runCli(['register', '-p', 'x', '--issuer', t.fixture.issuer], { home: t.home });
    t.fixture.clearFaults();
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${t.fixture.issuer} does not offer dynamic client registration`);
    expect(res.stderr).toMatch(/hint: give --registration-url <url>\n$/);
    // Without discovery, the same.
    const off = await runCli(['register', '-p', 'x', '--issuer', t.fixture.issuer, '--no-discovery'], { home: t.home });
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/hint: give --registration-url <url>/);
  });

  it('a registration answer without client_id: exit 4, nothing saved', async () => {
    t.fixture.injectFault({ route: 'registration', status: 201, contentType: 'application/json', body: JSON.stringify({ client_secret: 'leaky-secret-value', redirect_uris: [] }) });
    const res = await runCli(['register', '-p', 'broken', '--issuer', t.fixture.issuer, '-o', 'json'], { home: t.home });
    t.fixture.clearFaults();
    expect(res.code).toBe(4);
    expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: 'registration_response_missing_client_id' } });
    expect(res.stderr + res.stdout).not.toContain('leaky-secret-value');
    expect(() => profiles(t.home)).toThrow();
  });

  it('a refused registration (invalid_redirect_uri) is the server\'s OAuth error: exit 3', async () => {
    const res = await runCli(['register', '-p', 'bad', '--issuer', t.fixture.issuer, '--redirect-uri', 'https://example.com/cb#frag'], { home: t.home });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^oauthctl: registration failed: invalid_redirect_uri/);
  });

  it('bad flags are exit 2 before any request', async () => {
    const before = t.fixture.stats.endpointRequests.registration ?? 0;
    for (const args of [['--grant', 'nonsense'], ['--metadata', '[1]'], ['--metadata', '{'], ['--redirect-uri', 'not a url'], ['--initial-access-token', 'env:NOT_SET_ANYWHERE']]) {
      const res = await runCli(['register', '-p', 'y', '--issuer', t.fixture.issuer, ...args], { home: t.home });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^oauthctl: /);
    }
    expect(t.fixture.stats.endpointRequests.registration ?? 0).toBe(before);
  });

  it('the keychain fallback is said once, by the register that starts tokens.json', async () => {
    const noBus = { OAUTHCTL_TOKEN_STORE: 'auto', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: undefined };
    const first = await runCli(['register', '-p', 'k1', '--issuer', t.fixture.issuer], { home: t.home, env: noBus });
    expect(first.code).toBe(0);
    expect(first.stderr.match(/OS keychain unavailable/g)).toHaveLength(1);
    expect(storeEntry(t.home, 'k1')?.registration).toBeDefined();
    const second = await runCli(['register', '-p', 'k2', '--issuer', t.fixture.issuer], { home: t.home, env: noBus });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/keychain/);
  });

  it('an existing profile name is refused (exit 2)', async () => {
    await runCli(['profile', 'add', 'taken', '--issuer', t.fixture.issuer, '--client-id', 'public-native'], { home: t.home });
    const res = await runCli(['register', '-p', 'taken', '--issuer', t.fixture.issuer], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/profile 'taken' already exists/);
  });
});

describe('register with an initial access token (RFC 7591 §3)', () => {
  let fixture: Fixture;
  const IAT = 'initial-access-token-for-tests';
  beforeAll(async () => {
    fixture = await startFixture({ registrationInitialAccessToken: IAT });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('without one: the server\'s refusal (exit 3) with a hint naming --initial-access-token', async () => {
    const { home, cleanup } = tempHome();
    try {
      const res = await runCli(['register', '-p', 'a', '--issuer', fixture.issuer], { home });
      expect(res.code).toBe(3);
      expect(res.stderr).toMatch(/hint: .*--initial-access-token/);
    } finally {
      cleanup();
    }
  });

  it('from env:, @FILE and - (stdin), sent as a Bearer token and never printed', async () => {
    const { home, cleanup } = tempHome();
    try {
      const file = join(home, 'iat.txt');
      writeFileSync(file, `${IAT}\n`);
      const sources: Array<[string, { env?: Record<string, string>; input?: string }]> = [
        ['env:MY_IAT', { env: { MY_IAT: IAT } }],
        [`@${file}`, {}],
        ['-', { input: `${IAT}\n` }],
      ];
      for (const [i, [src, extra]] of sources.entries()) {
        const res = await runCli(['register', '-p', `p${i}`, '--issuer', fixture.issuer, '--initial-access-token', src, '-v'], { home, ...extra });
        expect(res.code, src).toBe(0);
        expect(res.stderr).toMatch(/authorization: Bearer \[redacted\]/i);
        expect(res.stderr + res.stdout).not.toContain(IAT);
      }
      expect(Object.keys(profiles(home))).toEqual(['p0', 'p1', 'p2']);
    } finally {
      cleanup();
    }
  });
});

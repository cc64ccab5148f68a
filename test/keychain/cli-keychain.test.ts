/**
 * The built CLI with the real Secret Service (run inside `scripts/with-keyring.sh`, which
 * `npm test` does): tokens go to the keychain and no tokens.json appears; with no D-Bus, `auto`
 * falls back to the file with exactly one warning.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from '../integration/cli.js';

const hasBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
if (!hasBus && process.env.CI) throw new Error('CI must run the keychain tests inside a D-Bus session: use `npm test`');

const t = useFixture();


// The 3 s keychain deadline is covered by unit tests; here a loaded CI machine must not turn a
// slow first D-Bus activation of gnome-keyring into a failure.
const SLOW_OK = { OAUTHCTL_KEYCHAIN_TIMEOUT_MS: '20000' };

function login(profile: string, store: string, env: Record<string, string | undefined> = {}) {
  const c = t.fixture.clients.confidentialBasic;
  return runCli(
    ['login', '-p', profile, '--token-store', store, '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c.id, '--scope', 'people:read'],
    { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c.secret, ...SLOW_OK, ...env } },
  );
}

// Skipped only on a developer machine without a session bus (e.g. macOS running vitest
// directly); under CI the throw above fails the file instead.
describe.skipIf(!hasBus)('keychain store through the CLI', () => {
  it('stores and reads the token set in the Secret Service; tokens.json stays absent', async () => {
    const profile = `cli-${process.pid}-${Date.now().toString(36)}`;
    const res = await login(profile, 'keychain');
    expect(res.stderr).toContain('OS keychain');
    expect(res.code).toBe(0);
    const token = await runCli(['token', '-p', profile, '--token-store', 'keychain'], { home: t.home, env: SLOW_OK });
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^\S+\n$/);
    expect(existsSync(join(t.home, 'tokens.json'))).toBe(false);

    const { stdout } = await promisify(execFile)('secret-tool', ['lookup', 'service', 'oauthctl', 'account', profile]);
    expect(stdout).toContain(token.stdout.trim());

    const show = await runCli(['token', 'show', '-p', profile, '-o', 'json', '--token-store', 'keychain'], { home: t.home, env: SLOW_OK });
    expect(JSON.parse(show.stdout)).toMatchObject({ store: 'keychain', profile });
    expect((await runCli(['profile', 'add', profile, '--token-url', `${t.fixture.issuer}/token`, '--client-id', 'x', '--client-auth', 'none', '--token-store', 'keychain'], { home: t.home, env: SLOW_OK })).code).toBe(0);
    expect((await runCli(['profile', 'remove', profile, '--token-store', 'keychain'], { home: t.home, env: SLOW_OK })).code).toBe(0);
    const gone = await runCli(['token', '-p', profile, '--token-store', 'keychain'], { home: t.home, env: SLOW_OK });
    expect(gone.code).toBe(5);
  });
});

describe('auto without D-Bus', () => {
  it('falls back to tokens.json with exactly one warning', async () => {
    const res = await login('nobus', 'auto', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: undefined });
    expect(res.code).toBe(0);
    expect(res.stderr.match(/warning:/g)).toHaveLength(1);
    expect(res.stderr).toContain('OS keychain unavailable');
    expect(existsSync(join(t.home, 'tokens.json'))).toBe(true);
  });

  it('`--token-store keychain` without D-Bus is exit 2 with a hint', async () => {
    const res = await login('nobus', 'keychain', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: undefined });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('hint: use --token-store file');
  });
});

/**
 * `oauthctl status [--all] [--check]` (SPEC "Using tokens elsewhere"): the states, the JSON, the
 * exit codes. Expiry is set by writing the token file (tokens minted already expired, no sleep).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from './cli.js';
import { loginAlice, storedTokens } from './lifecycle-helpers.js';

const t = useFixture();

interface StatusJson {
  profiles: { profile: string; state: string; expires_at: string | null; expires_in: number | null; subject: string | null; scope: string | null; refreshable: boolean; store: string }[];
}
const status = async (args: string[] = []) => {
  const res = await runCli(['status', '-o', 'json', ...args], { home: t.home });
  return { code: res.code, stderr: res.stderr, json: JSON.parse(res.stdout || '{}') as StatusJson };
};

/** Rewrites the default profile's stored set. */
function editTokens(home: string, edit: (tokens: Record<string, unknown>) => void): void {
  const path = join(home, 'tokens.json');
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { profiles: Record<string, { tokens: Record<string, unknown> }> };
  edit(doc.profiles.default?.tokens as Record<string, unknown>);
  writeFileSync(path, JSON.stringify(doc));
}
const now = () => Math.floor(Date.now() / 1000);

describe('status', () => {
  it('no token: login_required, exit 5', async () => {
    const res = await status();
    expect(res.code).toBe(5);
    expect(res.json).toEqual({
      profiles: [{ profile: 'default', state: 'login_required', expires_at: null, expires_in: null, subject: null, scope: null, refreshable: false, store: 'file' }],
    });
    const text = await runCli(['status'], { home: t.home });
    expect(text).toMatchObject({ code: 5, stdout: 'default: login required\n' });
  });

  it('valid after login: JSON with subject, scope, expiry, refreshable; one text line; exit 0', async () => {
    await loginAlice(t.fixture, t.home);
    const res = await status();
    expect(res.code).toBe(0);
    const [p] = res.json.profiles;
    expect(p).toMatchObject({ profile: 'default', state: 'valid', subject: 'alice', scope: 'openid offline_access', refreshable: true, store: 'file' });
    expect(p?.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(p?.expires_in).toBeGreaterThan(3000);
    const text = await runCli(['status'], { home: t.home });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^default: valid \(expires in \d+[mh], subject alice, scope "openid offline_access", refresh token held\)\n$/);
  });

  it('expiring, renewable, expired: from the stored expiry and what can renew it', async () => {
    await loginAlice(t.fixture, t.home);
    editTokens(t.home, (s) => {
      s.obtained_at = now() - 3570;
      s.expires_at = now() + 30;
    });
    expect((await status()).json.profiles[0]?.state).toBe('expiring');
    editTokens(t.home, (s) => {
      s.expires_at = now() - 10;
    });
    const renewable = await status();
    expect(renewable.json.profiles[0]).toMatchObject({ state: 'renewable', refreshable: true });
    expect(renewable.code).toBe(0);
    editTokens(t.home, (s) => {
      delete s.refresh_token;
    });
    const expired = await status();
    expect(expired.json.profiles[0]).toMatchObject({ state: 'expired', refreshable: false });
    expect(expired.code).toBe(5);
  });

  it('a token rejected by a tool (git-credential erase) is renewable, and status reads only (no request)', async () => {
    await loginAlice(t.fixture, t.home);
    const s = await storedTokens(t.home);
    await runCli(['git-credential', 'erase'], { home: t.home, input: `protocol=https\nhost=h\npassword=${s.access_token}\n` });
    t.fixture.resetStats();
    expect((await status()).json.profiles[0]?.state).toBe('renewable');
    expect(t.fixture.stats.endpointRequests).toEqual({});
  });

  it('--all: every saved profile (and the current one); exit 5 when one cannot produce a token', async () => {
    await loginAlice(t.fixture, t.home);
    for (const name of ['zeta', 'alpha']) {
      expect((await runCli(['profile', 'add', name, '--issuer', t.fixture.issuer, '--client-id', 'public-native'], { home: t.home })).code).toBe(0);
    }
    const res = await status(['--all', '-p', 'default']);
    expect(res.json.profiles.map((p) => [p.profile, p.state])).toEqual([
      ['alpha', 'login_required'],
      ['zeta', 'login_required'],
      ['default', 'valid'],
    ]);
    expect(res.code).toBe(5);
  });

  it('--check asks the server once: an access token it no longer knows is revoked (exit 5)', async () => {
    await loginAlice(t.fixture, t.home);
    const env = { OAUTHCTL_CLIENT_SECRET: t.fixture.clients.confidentialBasic.secret };
    const ok = await runCli(['status', '--check', '-o', 'json'], { home: t.home, env });
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as StatusJson).profiles[0]?.state).toBe('valid');
    expect(await t.fixture.revokeToken((await storedTokens(t.home)).access_token)).toBe(true);
    const revoked = await runCli(['status', '--check', '-o', 'json'], { home: t.home, env });
    expect(revoked.code).toBe(5);
    expect((JSON.parse(revoked.stdout) as StatusJson).profiles[0]?.state).toBe('revoked');
    // Offline, it does not know.
    expect((await status()).json.profiles[0]?.state).toBe('valid');
  });
});

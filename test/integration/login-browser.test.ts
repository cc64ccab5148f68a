/**
 * Interactive logins with a real browser: headless Chromium (playwright-core) is the BROWSER
 * command the CLI opens, and signs in on the real oidc-provider's pages.
 */
import { describe, expect, it } from 'vitest';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { runCli, useFixture } from './cli.js';

const t = useFixture();

function login(args: string[], env: Record<string, string> = {}, secret?: string) {
  return runCli(['login', '--issuer', t.fixture.issuer, ...args], {
    home: t.home,
    env: { BROWSER: chromiumBrowserCommand(), ...env, ...(secret ? { OAUTHCTL_CLIENT_SECRET: secret } : {}) },
    timeoutMs: 60_000,
  });
}

describe('authorization_code in headless Chromium', () => {
  it('public client (PKCE, no secret): ID token validated, tokens stored', async () => {
    const res = await login(['--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid profile offline_access']);
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('not validated');
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show).toMatchObject({ subject: 'alice', client_id: 'public-native', has_refresh_token: true, has_id_token: true });
  });

  it('confidential client (client_secret_basic), as bob', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const res = await login(['--client-id', c.id, '--scope', 'openid email', '-o', 'json'], { OAUTHCTL_TEST_USERNAME: 'bob' }, c.secret);
    expect(res.code).toBe(0);
    const set = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(set.id_token).toBeTypeOf('string');
    expect(set.refresh_token).toBeTypeOf('string');
  });

  it('denied consent exits 3 naming access_denied', async () => {
    const res = await login(['--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid'], { OAUTHCTL_TEST_CONSENT: 'deny' });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/access_denied/);
  });
});

describe('device_code in headless Chromium', () => {
  it('approved through the browser', async () => {
    const res = await login(['--grant', 'device_code', '--client-id', t.fixture.clients.device.id, '--scope', 'openid offline_access'], { OAUTHCTL_TEST_DEVICE: '1' });
    expect(res.stderr).toMatch(/enter the code:\s+\S+/);
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
  });

  it('denied through the browser exits 3', async () => {
    const res = await login(['--grant', 'device_code', '--client-id', t.fixture.clients.device.id, '--scope', 'openid'], {
      OAUTHCTL_TEST_DEVICE: '1',
      OAUTHCTL_TEST_CONSENT: 'deny',
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/access_denied/);
  });
});

describe('implicit (legacy) in headless Chromium', () => {
  it('warns, relays the fragment to the listener, validates the ID token', async () => {
    const res = await login(['--grant', 'implicit', '--client-id', t.fixture.clients.implicit.id, '--scope', 'openid profile']);
    expect(res.stderr).toContain('deprecated by OAuth 2.1');
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show).toMatchObject({ subject: 'alice', has_id_token: true, has_refresh_token: false });
  });
});

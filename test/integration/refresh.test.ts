/** Automatic refresh of a stored token set that has expired, and single-flight across processes. */
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from './cli.js';
import { checkSingleFlight, expireStoredTokens } from './concurrent-refresh.js';
import { loginAlice, storedTokens } from './lifecycle-helpers.js';

const t = useFixture();

describe('automatic refresh', () => {
  it('`token` after expiry refreshes by itself and stores the rotated refresh token', async () => {
    await loginAlice(t.fixture, t.home);
    const before = await storedTokens(t.home);
    await expireStoredTokens(t.home);
    const count = t.fixture.stats.tokenRequests.refresh_token ?? 0;
    const res = await runCli(['token'], { home: t.home });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toBe(`${before.access_token}\n`);
    expect(t.fixture.stats.tokenRequests.refresh_token).toBe(count + 1);
    const after = await storedTokens(t.home);
    expect(after.access_token).toBe(res.stdout.trim());
    expect(after.refresh_token).not.toBe(before.refresh_token);
  });

  it('20 `oauthctl token` processes after expiry: all exit 0, one token, one refresh (file store)', async () => {
    await checkSingleFlight(t.fixture, t.home, 'file');
  });
});

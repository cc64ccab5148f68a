import { expect } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Fixture } from '../fixtures/server.js';
import { runCli } from './cli.js';
import { loginAlice, storedTokens } from './lifecycle-helpers.js';

/**
 * SPEC "Token store": refresh is single-flight across processes. With an access token that has
 * expired, N `oauthctl token` processes started together all succeed, print the same token,
 * and the server sees exactly one refresh.
 */
export async function checkSingleFlight(fixture: Fixture, home: string, store: 'file' | 'keychain', processes = 20): Promise<void> {
  const env = { OAUTHCTL_TOKEN_STORE: store, OAUTHCTL_KEYCHAIN_TIMEOUT_MS: '20000' };
  await loginAlice(fixture, home, [], env);
  const before = await storedTokens(home, [], env);
  await expireStoredTokens(home, store);
  // The refreshed token lives an hour, so a process that starts late on a loaded machine finds it
  // fresh: any second refresh would be a single-flight failure, not a race of the test.
  const count = fixture.stats.tokenRequests.refresh_token ?? 0;
  const results = await Promise.all(Array.from({ length: processes }, () => runCli(['token'], { home, env, timeoutMs: 60_000 })));
  for (const r of results) expect(r.stderr).toBe('');
  expect(results.map((r) => r.code)).toEqual(Array(processes).fill(0));
  const printed = new Set(results.map((r) => r.stdout));
  expect(printed.size).toBe(1);
  expect([...printed][0]).not.toBe(`${before.access_token}\n`);
  expect(fixture.stats.tokenRequests.refresh_token).toBe(count + 1);
}

/**
 * Makes the stored token set expired, as if it had been minted an hour ago with a lifetime that
 * ended a minute ago — instead of waiting for a short-lived token to run out. The server still
 * honours the refresh token, so the refresh that follows is real.
 */
export async function expireStoredTokens(home: string, store: 'file' | 'keychain' = 'file', profile = 'default'): Promise<void> {
  const tokenStore = await openStore({ choice: store, home, warn: () => undefined, keychain: { timeoutMs: 20_000 } });
  const entry = await tokenStore.get(profile);
  if (!entry?.tokens) throw new Error(`no token set stored for profile ${profile}`);
  const now = Math.floor(Date.now() / 1000);
  await tokenStore.put(profile, { ...entry, tokens: { ...entry.tokens, obtained_at: now - 3600, expires_at: now - 60 } });
}

import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { Fixture } from '../fixtures/server.js';
import { runCli } from './cli.js';
import { loginAlice, storedTokens } from './lifecycle-helpers.js';

/**
 * SPEC "Token store": refresh is single-flight across processes. With an access token that has
 * just expired, N `oauthctl token` processes started together all succeed, print the same token,
 * and the server sees exactly one refresh.
 */
/** `fixture` must issue short-lived (2 s) access tokens. */
export async function checkSingleFlight(fixture: Fixture, home: string, store: 'file' | 'keychain', processes = 20): Promise<void> {
  const env = { OAUTHCTL_TOKEN_STORE: store, OAUTHCTL_KEYCHAIN_TIMEOUT_MS: '20000' };
  await loginAlice(fixture, home, [], env);
  const before = await storedTokens(home, [], env);
  await waitUntilExpired(home, env);
  // The refreshed token lives long, so a process that starts late on a loaded machine finds it
  // fresh: any second refresh would be a single-flight failure, not a race of the test.
  fixture.setAccessTokenTtl(3600);
  const count = fixture.stats.tokenRequests.refresh_token ?? 0;
  let results;
  try {
    results = await Promise.all(Array.from({ length: processes }, () => runCli(['token'], { home, env, timeoutMs: 60_000 })));
  } finally {
    fixture.setAccessTokenTtl(2);
  }
  for (const r of results) expect(r.stderr.replace(/^warning: OS keychain.*\n/m, '')).toBe('');
  expect(results.map((r) => r.code)).toEqual(Array(processes).fill(0));
  const printed = new Set(results.map((r) => r.stdout));
  expect(printed.size).toBe(1);
  expect([...printed][0]).not.toBe(`${before.access_token}\n`);
  expect(fixture.stats.tokenRequests.refresh_token).toBe(count + 1);
}

/** Polls `token show` (no network) until the stored access token has expired; bounded. */
export async function waitUntilExpired(home: string, env: Record<string, string>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const left = (await storedTokens(home, [], env)).expires_in;
    if (left !== null && left <= 0) return;
    await sleep(Math.max(100, ((left ?? 1) + 0.1) * 1000));
  }
  throw new Error('the access token did not expire');
}

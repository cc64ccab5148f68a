import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { KeyringBackend } from '../../src/store/keychain.js';
import type { StoreEntry } from '../../src/store/types.js';

/** A fresh directory under the OS temp dir, removed after the current test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oauthctl-store-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

export function sampleEntry(overrides: Partial<NonNullable<StoreEntry['tokens']>> = {}): StoreEntry {
  return {
    tokens: {
      access_token: 'at-123',
      token_type: 'Bearer',
      refresh_token: 'rt-456',
      scope: 'openid profile',
      expires_at: 1_900_000_000,
      issuer: 'https://issuer.example',
      client_id: 'cli',
      obtained_at: 1_800_000_000,
      ...overrides,
    },
  };
}

/** An in-memory keytar: `entries` maps "service\0account" to the stored value. */
export function fakeKeytar(): KeyringBackend & { entries: Map<string, string>; accounts(): string[] } {
  const entries = new Map<string, string>();
  const key = (service: string, account: string) => `${service}\0${account}`;
  return {
    entries,
    accounts: () => [...entries.keys()].map((k) => k.split('\0')[1] ?? '').sort(),
    async getPassword(service, account) {
      return entries.get(key(service, account)) ?? null;
    },
    async setPassword(service, account, password) {
      entries.set(key(service, account), password);
    },
    async deletePassword(service, account) {
      return entries.delete(key(service, account));
    },
  };
}

/** A keytar whose calls never settle: a locked keychain waiting on a prompt nobody answers. */
export function silentKeytar(): KeyringBackend {
  const never = () => new Promise<never>(() => undefined);
  return { getPassword: never, setPassword: never, deletePassword: never };
}

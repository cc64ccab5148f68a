import type { StoreEntry, TokenStore } from './types.js';

/**
 * `--token-store none` (SPEC "Token store": "keeps nothing", for CI that only needs one token).
 * Entries live in this process only, so a command can still use and print what it just obtained.
 * Entries are copied in and out so callers cannot change what is "stored" behind its back.
 */
export function createNoneStore(): TokenStore {
  const entries = new Map<string, StoreEntry>();
  return {
    kind: 'none',
    location: 'nowhere (--token-store none)',
    async get(profile) {
      const entry = entries.get(profile);
      return entry === undefined ? undefined : structuredClone(entry);
    },
    async put(profile, entry) {
      entries.set(profile, structuredClone(entry));
    },
    async delete(profile) {
      entries.delete(profile);
    },
  };
}

import { existsSync } from 'node:fs';
import { createFileStore } from './file.js';
import type { KeychainStoreOptions, KeychainUnavailableError } from './keychain.js';
import { createNoneStore } from './none.js';
import type { StoreChoice, StoreEntry, TokenStore } from './types.js';

/**
 * Turns `--token-store auto|keychain|file|none` into a store (SPEC "Token store").
 *
 * `keychain` and `auto` probe the keychain once, under its deadline, before anything is stored:
 * - `keychain`: no answer is an error (KeychainUnavailableError: a UsageError with code
 *   `keychain_unavailable` and the hint `use --token-store file`);
 * - `auto`: no answer falls back to the file store, quietly: while tokens.json does not exist yet,
 *   the store's `fallback` holds the sentence for the command that writes a new token set there
 *   (SPEC "Token store": said once); `note` (shown under -v) says it every time.
 */
export interface OpenStoreOptions {
  choice: StoreChoice;
  /** The oauthctl home (SPEC "Profiles and files"), resolved by the config layer. */
  home: string;
  /** Damaged files and entries: always said. */
  warn: (msg: string) => void;
  /** Only under -v. */
  note?: (msg: string) => void;
  keychain?: Omit<KeychainStoreOptions, 'warn'>;
}

export async function openStore(opts: OpenStoreOptions): Promise<TokenStore> {
  const { choice, home, warn } = opts;
  switch (choice) {
    case 'none':
      return createNoneStore();
    case 'file':
      return createFileStore({ home, warn });
    case 'keychain': {
      const { createKeychainStore } = await import('./keychain.js');
      const keychain = createKeychainStore({ ...opts.keychain, warn });
      await keychain.probe();
      return keychain;
    }
    case 'auto': {
      const { createKeychainStore, KeychainUnavailableError } = await import('./keychain.js');
      const keychain = createKeychainStore({ ...opts.keychain, warn });
      try {
        await keychain.probe();
        return autoStore(keychain, () => createFileStore({ home, warn }), opts.note);
      } catch (err) {
        if (!(err instanceof KeychainUnavailableError)) throw err;
        const file = createFileStore({ home, warn });
        const fallback = `OS keychain unavailable (${err.reason}); storing tokens in ${file.location} (mode 0600)`;
        opts.note?.(fallback);
        // Said once per home: by the login that starts tokens.json, not by every later one.
        return existsSync(file.location) ? file : Object.assign(file, { fallback });
      }
    }
  }
}

/**
 * `auto` after a successful probe. A keyring that is running but locked answers reads (nothing
 * found) and refuses writes, so a write that the keychain refuses goes to the file store instead
 * of losing the tokens (and `fallback` says so); reads then look in the file too. A read that the
 * keychain does not answer (its deadline) falls back the same way.
 */
function autoStore(keychain: TokenStore, openFile: () => TokenStore, note?: (msg: string) => void): TokenStore {
  let file: TokenStore | undefined;
  const fileStore = () => (file ??= openFile());
  const fileExists = () => file !== undefined || existsSync(fileStore().location);
  let active: TokenStore = keychain;
  let fallback: string | undefined;
  /** From now on the file: quietly, with the sentence kept for the command that writes (and -v). */
  const fallBack = (what: string) => {
    active = fileStore();
    fallback = `${what}; storing tokens in ${active.location} (mode 0600)`;
    note?.(fallback);
  };
  return {
    get fallback() {
      return fallback;
    },
    get kind() {
      return active.kind;
    },
    get location() {
      return active.location;
    },
    async get(profile: string): Promise<StoreEntry | undefined> {
      let found: StoreEntry | undefined;
      if (active === keychain) {
        try {
          found = await keychain.get(profile);
        } catch (err) {
          if (!isKeychainUnavailable(err)) throw err;
          fallBack(`OS keychain unavailable (${err.reason})`);
        }
      }
      return found ?? (fileExists() ? fileStore().get(profile) : undefined);
    },
    async put(profile: string, entry: StoreEntry): Promise<void> {
      if (active === keychain) {
        try {
          return await keychain.put(profile, entry);
        } catch (err) {
          if (!isKeychainUnavailable(err)) throw err;
          fallBack(`OS keychain refused the write (${err.reason})`);
        }
      }
      await fileStore().put(profile, entry);
    },
    async delete(profile: string): Promise<void> {
      if (active === keychain) await keychain.delete(profile).catch((err: unknown) => {
        if (!isKeychainUnavailable(err)) throw err;
      });
      if (fileExists()) await fileStore().delete(profile);
    },
  };
}

/** keychain.js is loaded only when the keychain is used, so its error class is checked by code. */
function isKeychainUnavailable(err: unknown): err is KeychainUnavailableError {
  return (err as { code?: unknown } | undefined)?.code === 'keychain_unavailable';
}

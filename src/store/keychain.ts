import { UsageError } from '../errors.js';
import { encodeAscii, parseChunkHeader, partAccount, splitIntoChunks, type ChunkHeader } from './chunks.js';
import { noAnswerWithin } from './deadline.js';
import { isStoreEntry } from './entry.js';
import { BackendUnavailable, loadKeyringBackend, type BackendChoice, type KeyringBackend } from './keyring-backend.js';
import { assertProfileName } from './profile-name.js';
import type { StoreEntry, TokenStore } from './types.js';

export type { KeyringBackend } from './keyring-backend.js';

/**
 * `--token-store keychain`: the OS keychain, service `oauthctl`, one entry per profile (account =
 * profile name) (SPEC "Token store"), through @napi-rs/keyring or keytar (keyring-backend.ts).
 *
 * - The binding is loaded on first use only (STYLE "Load lazily"): a missing or broken one makes
 *   the store unavailable, it does not break the CLI.
 * - Every call has a deadline (default 3 s): a locked or absent keychain must never hang a script.
 *   After one call has timed out, later calls fail at once instead of waiting again. On Linux the
 *   D-Bus probe runs first, inside the same deadline, so a silent bus is detected before a native
 *   call could block on it (SPEC "Safety": "a native call still hanging never keeps the process
 *   alive").
 * - "Not found" is `undefined`; entries larger than `maxEntryChars` are split (see chunks.ts).
 * - A value that does not parse is reported once through `warn` and read as "no entry", like a
 *   damaged tokens.json (SPEC "Damaged files"); the next put replaces it.
 */
export interface KeychainStoreOptions {
  /** Deadline for each keychain call. */
  timeoutMs?: number;
  /** Longest value kept in one keychain entry; longer ones are split. */
  maxEntryChars?: number;
  /** Which binding (`OAUTHCTL_KEYCHAIN_BACKEND`); default: @napi-rs/keyring, else keytar. */
  backend?: BackendChoice;
  /** The environment the D-Bus probe reads (DBUS_SESSION_BUS_ADDRESS). */
  env?: Record<string, string | undefined>;
  /** Replaces the binding (and the D-Bus probe): tests inject a fake. */
  loadBackend?: () => Promise<KeyringBackend>;
  /** Reports a damaged entry; one line for stderr. */
  warn?: (msg: string) => void;
}

export interface KeychainStore extends TokenStore {
  readonly kind: 'keychain';
  /** A cheap read under the deadline; throws KeychainUnavailableError when the keychain does not answer. */
  probe(): Promise<void>;
}

export const KEYCHAIN_SERVICE = 'oauthctl';
export const PROBE_ACCOUNT = '__oauthctl_probe__';
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 3000;
/** Windows caps a credential blob at 2560 bytes; entries are ASCII, so chars = bytes. */
export const DEFAULT_MAX_ENTRY_CHARS = 2000;

/** The keychain cannot be used: no binding, no D-Bus/Secret Service, locked, or too slow. */
export class KeychainUnavailableError extends UsageError {
  readonly reason: string;
  constructor(reason: string, cause?: unknown) {
    super(`OS keychain unavailable: ${reason}`, {
      code: 'keychain_unavailable',
      hint: 'use --token-store file',
      cause,
    });
    this.name = 'KeychainUnavailableError';
    this.reason = reason;
  }
}

export function createKeychainStore(opts: KeychainStoreOptions = {}): KeychainStore {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const maxChars = opts.maxEntryChars ?? DEFAULT_MAX_ENTRY_CHARS;
  if (maxChars < 64) throw new RangeError('maxEntryChars must be at least 64');
  const loadBackend =
    opts.loadBackend ?? (() => loadKeyringBackend({ choice: opts.backend, env: opts.env, timeoutMs }));
  const warned = new Set<string>();
  let backend: Promise<KeyringBackend> | undefined;
  let stuck: KeychainUnavailableError | undefined;

  /** One keychain call under the deadline; every failure becomes KeychainUnavailableError. */
  async function call<T>(fn: (k: KeyringBackend) => Promise<T>): Promise<T> {
    if (stuck) throw stuck;
    backend ??= loadBackend().catch((err: unknown) => {
      throw new KeychainUnavailableError(
        err instanceof BackendUnavailable ? err.message : `the keychain binding could not be loaded (${firstLine(err)})`,
        err,
      );
    });
    try {
      return await withDeadline(async () => fn(await backend!), timeoutMs);
    } catch (err) {
      if (err instanceof KeychainUnavailableError) {
        if (err.reason.startsWith('no answer')) stuck = err;
        throw err;
      }
      throw new KeychainUnavailableError(firstLine(err), err);
    }
  }

  const getValue = async (account: string): Promise<string | undefined> =>
    (await call((k) => k.getPassword(KEYCHAIN_SERVICE, account))) ?? undefined;
  const setValue = (account: string, value: string): Promise<void> =>
    call((k) => k.setPassword(KEYCHAIN_SERVICE, account, value));
  const deleteValue = async (account: string): Promise<void> => {
    await call((k) => k.deletePassword(KEYCHAIN_SERVICE, account));
  };

  async function deleteParts(profile: string, header: ChunkHeader): Promise<void> {
    for (let i = 1; i <= header.count; i++) await deleteValue(partAccount(profile, header.id, i));
  }

  function damaged(profile: string, reason: string): undefined {
    if (!warned.has(profile)) {
      warned.add(profile);
      opts.warn?.(`OS keychain entry ${KEYCHAIN_SERVICE}/${profile} is damaged (${reason}); ignoring it`);
    }
    return undefined;
  }

  /** The whole serialized entry, joining parts; re-reads once if a concurrent write removed them. */
  async function readSerialized(profile: string): Promise<string | { damaged: string } | undefined> {
    let head = await getValue(profile);
    for (let attempt = 0; ; attempt++) {
      if (head === undefined) return undefined;
      const header = parseChunkHeader(head);
      if (header === undefined) return head;
      if (header === 'malformed') return { damaged: 'malformed chunk header' };
      const parts: string[] = [];
      for (let i = 1; i <= header.count; i++) {
        const part = await getValue(partAccount(profile, header.id, i));
        if (part === undefined) break;
        parts.push(part);
      }
      if (parts.length === header.count) return parts.join('');
      const again = await getValue(profile);
      if (again === head || attempt >= 1) return { damaged: `part ${parts.length + 1} of ${header.count} is missing` };
      head = again;
    }
  }

  return {
    kind: 'keychain',
    location: `OS keychain (service ${KEYCHAIN_SERVICE})`,

    async probe() {
      // Where the D-Bus probe ran (Linux), the Secret Service has just answered; elsewhere one
      // cheap read, under the deadline, shows that the keychain answers.
      const answered = await call(async (k) => k.answered === true);
      if (!answered) await getValue(PROBE_ACCOUNT);
    },

    async get(profile) {
      assertProfileName(profile);
      const serialized = await readSerialized(profile);
      if (serialized === undefined) return undefined;
      if (typeof serialized !== 'string') return damaged(profile, serialized.damaged);
      let entry: unknown;
      try {
        entry = JSON.parse(serialized);
      } catch (err) {
        return damaged(profile, firstLine(err));
      }
      return isStoreEntry(entry) ? entry : damaged(profile, 'not an oauthctl token entry');
    },

    async put(profile, entry: StoreEntry) {
      assertProfileName(profile);
      const old = await oldHeader(profile);
      const serialized = encodeAscii(entry);
      if (serialized.length <= maxChars) {
        await setValue(profile, serialized);
      } else {
        let id = newChunkId();
        while (id === old?.id) id = newChunkId();
        const { header, parts } = splitIntoChunks(serialized, maxChars, id);
        // Parts first, header last: until the header is replaced, readers see the old value whole.
        for (const [i, part] of parts.entries()) await setValue(partAccount(profile, id, i + 1), part);
        await setValue(profile, header);
      }
      if (old) await deleteParts(profile, old);
    },

    async delete(profile) {
      assertProfileName(profile);
      const old = await oldHeader(profile);
      // Header first: a reader then sees "no entry" rather than a header whose parts are gone.
      await deleteValue(profile);
      if (old) await deleteParts(profile, old);
    },
  };

  async function oldHeader(profile: string): Promise<ChunkHeader | undefined> {
    const head = await getValue(profile);
    const header = head === undefined ? undefined : parseChunkHeader(head);
    return header === 'malformed' ? undefined : header;
  }
}

/** Settles like `work()`, or rejects with "no answer within …" once `ms` have passed. */
function withDeadline<T>(work: () => Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new KeychainUnavailableError(noAnswerWithin(ms))), ms);
    Promise.resolve()
      .then(work)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/**
 * Eight hex digits telling one write's parts from another's. Uniqueness against the previous
 * write is checked by the caller; secrecy is not needed, and node:crypto would cost every read
 * its load time.
 */
function newChunkId(): string {
  return Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0] ?? text;
}

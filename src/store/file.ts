import { closeSync, constants, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { isPlainObject, isStoreEntry } from './entry.js';
import type { LockOptions } from './lock.js';
import type { StoreEntry, TokenStore } from './types.js';

/**
 * `--token-store file`: `<home>/tokens.json` = `{ "version": 1, "profiles": { "<name>": StoreEntry } }`,
 * mode 0600 in a 0700 home (SPEC "Token store", "Profiles and files").
 *
 * - Writes are atomic (temp file + fsync + rename), so readers need no lock and a killed process
 *   leaves the old or the new file (SPEC "Damaged files").
 * - put/delete re-read the file under a cross-process lock, so concurrent commands working on
 *   different profiles lose nothing.
 * - A file that does not parse, or is not this shape, is moved aside to
 *   `tokens.json.corrupt-<timestamp>` (mode 0600) with one warning naming both paths, and a fresh
 *   store starts; it is never silently replaced.
 */
export interface FileStoreOptions {
  home: string;
  /** One line for stderr; the store never prints. */
  warn: (msg: string) => void;
  /** Clock for the corrupt file's timestamp. */
  now?: () => Date;
  lock?: LockOptions;
}

const FILE_NAME = 'tokens.json';
const VERSION = 1;

type Loaded = { ok: true; profiles: Map<string, StoreEntry> } | { ok: false; reason: string };

export function createFileStore(opts: FileStoreOptions): TokenStore {
  const path = join(opts.home, FILE_NAME);
  const lockPath = `${path}.lock`;
  const now = opts.now ?? (() => new Date());

  async function load(): Promise<Loaded> {
    let text: string;
    try {
      // Synchronous, like the other small file operations here: `oauthctl token` should not load
      // node:fs/promises and start libuv's thread pool just to read a few hundred bytes.
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, profiles: new Map() };
      throw ioError('read', err);
    }
    return parseTokensFile(text);
  }

  /** Under the lock: the current profiles, after moving a damaged file aside. */
  async function loadRepairing(): Promise<Map<string, StoreEntry>> {
    const loaded = await load();
    if (loaded.ok) return loaded.profiles;
    await moveAside(loaded.reason);
    return new Map();
  }

  async function moveAside(reason: string): Promise<void> {
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    let aside = `${path}.corrupt-${stamp}`;
    for (let n = 2; existsSync(aside); n++) aside = `${path}.corrupt-${stamp}-${n}`;
    try {
      // rename moves a symbolic link itself, never its target; the chmod below refuses to follow one.
      renameSync(path, aside);
      chmodNoFollow(aside, 0o600);
    } catch (err) {
      throw ioError('move aside', err);
    }
    opts.warn(`${path} is damaged (${reason}); moved it to ${aside} and started a fresh token store`);
  }

  async function save(profiles: Map<string, StoreEntry>): Promise<void> {
    const doc = { version: VERSION, profiles: Object.fromEntries(profiles) };
    try {
      const { removeOrphanedTempFiles, writeFileAtomic } = await import('./atomic.js');
      await removeOrphanedTempFiles(path);
      await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
    } catch (err) {
      throw ioError('write', err);
    }
  }

  // The lock library loads only for writes and repairs: a plain read (every `token`) stays cheap.
  const lock = async <T>(fn: () => Promise<T>): Promise<T> => (await import('./lock.js')).withLock(lockPath, fn, opts.lock);

  return {
    kind: 'file',
    location: path,

    async get(profile) {
      const loaded = await load();
      if (loaded.ok) return loaded.profiles.get(profile);
      // Repair under the lock: another process may be repairing or rewriting it right now.
      const profiles = await lock(loadRepairing);
      return profiles.get(profile);
    },

    async put(profile, entry) {
      mkdirSync(opts.home, { recursive: true, mode: 0o700 });
      await lock(async () => {
        const profiles = await loadRepairing();
        profiles.set(profile, entry);
        await save(profiles);
      });
    },

    async delete(profile) {
      if (!existsSync(path)) return;
      await lock(async () => {
        const profiles = await loadRepairing();
        if (profiles.delete(profile)) await save(profiles);
      });
    },
  };

  function ioError(action: string, err: unknown): UsageError {
    const message = err instanceof Error ? err.message : String(err);
    return new UsageError(`cannot ${action} the token store ${path}: ${message}`, {
      code: 'token_store_io',
      hint: 'check the permissions of the oauthctl home, or use --token-store none',
      cause: err,
    });
  }
}

/** Pure: the profiles of a tokens.json text, or why it is not one. */
export function parseTokensFile(text: string): Loaded {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'not JSON' };
  }
  const notOurs = { ok: false, reason: `not a version ${VERSION} oauthctl token file` } as const;
  if (!isPlainObject(doc) || doc.version !== VERSION || !isPlainObject(doc.profiles)) return notOurs;
  const profiles = new Map<string, StoreEntry>();
  for (const [name, entry] of Object.entries(doc.profiles)) {
    if (!isStoreEntry(entry)) return { ok: false, reason: `the entry of profile ${JSON.stringify(name)} is malformed` };
    profiles.set(name, entry);
  }
  return { ok: true, profiles };
}

/**
 * chmod unless `path` is a symbolic link (SPEC "Safety": nothing is chmod'ed through a link).
 * O_NOFOLLOW makes the check and the change one step: no window for a swap in between.
 */
function chmodNoFollow(path: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return; // a link: left as it is
    throw err;
  }
  try {
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

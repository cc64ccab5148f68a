import { rmdirSync } from 'node:fs';
import { lstat, mkdir, rmdir, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { assertProfileName } from './profile-name.js';

/**
 * Cross-process locks: a directory made with `mkdir` (atomic on every local file system), whose
 * mtime is refreshed while held, so the lock of a crashed process goes stale and is taken over
 * (proper-lockfile's scheme; it is not used because loading it, with graceful-fs and signal-exit's
 * `assert`, cost about 11 ms, a sixth of a bare Node start, on every renewal: README "Speed").
 *
 * Used for the read-modify-write of tokens.json (SPEC "Damaged files": "read-modify-write of a
 * shared file happens under a lock, so concurrent commands lose nothing") and, per profile, for the
 * single-flight refresh (SPEC "Token store": "one lock per profile"). Locks are taken whichever
 * backend stores the tokens, the keychain included.
 */
export interface LockOptions {
  /** A lock not refreshed for this long belongs to a dead process and is taken over. Min 2000. */
  staleMs?: number;
  /** Give up waiting after this long: a script must not wait forever on a stuck holder. */
  timeoutMs?: number;
  /**
   * Called when the lock was lost while held (it was removed, for example by another process that
   * judged it stale). Writes are atomic anyway, so the default is to carry on.
   */
  onCompromised?: (err: Error) => void;
}

export const DEFAULT_LOCK_STALE_MS = 10_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/** `<home>/locks/<profile>.lock`: the per-profile refresh lock. */
export function profileLockPath(home: string, profile: string): string {
  assertProfileName(profile);
  return join(home, 'locks', `${profile}.lock`);
}

/**
 * Runs `fn` while holding the lock at `lockPath` (a directory made for it; its parent is
 * created with mode 0700 when missing). Waits with backoff while another process holds it, up to
 * `timeoutMs`, then throws `UsageError` with code `lock_timeout`.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  const release = await acquire(lockPath, opts);
  try {
    return await fn();
  } finally {
    // Fails only when the lock was compromised meanwhile, which onCompromised already reported.
    await release().catch(() => undefined);
  }
}

async function acquire(lockPath: string, opts: LockOptions): Promise<() => Promise<void>> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = Math.max(opts.staleMs ?? DEFAULT_LOCK_STALE_MS, 2000);
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (!(await tryLock(lockPath, staleMs))) {
    if (Date.now() + delay > deadline) {
      throw new UsageError(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for the lock ${lockPath} (another oauthctl process holds it)`,
        { code: 'lock_timeout', hint: `if no other oauthctl is running, remove ${lockPath}` },
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 200);
  }
  return holdLock(lockPath, staleMs, opts.onCompromised ?? (() => undefined));
}

/** One attempt: true when the lock directory was made here, after removing a stale one if need be. */
async function tryLock(lockPath: string, staleMs: number): Promise<boolean> {
  if (await makeLockDir(lockPath)) return true;
  const held = await lstat(lockPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined; // released meanwhile: try again
    throw err;
  });
  if (!held || Date.now() - held.mtimeMs <= staleMs) return false;
  // Stale: its holder died. rmdir never follows a symbolic link (it fails on one).
  await rmdir(lockPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  return makeLockDir(lockPath);
}

async function makeLockDir(lockPath: string): Promise<boolean> {
  try {
    await mkdir(lockPath, { mode: 0o700 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Locks this process holds, removed if it exits while holding them (Ctrl+C included). */
const held = new Set<string>();
let removeOnExit = false;

/** Keeps the lock fresh (mtime every staleMs/2) until released; returns the release. */
function holdLock(lockPath: string, staleMs: number, onCompromised: (err: Error) => void): () => Promise<void> {
  held.add(lockPath);
  if (!removeOnExit) {
    removeOnExit = true;
    process.once('exit', () => {
      for (const path of held) {
        try {
          rmdirSync(path);
        } catch {
          // gone already
        }
      }
    });
  }
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch((err: Error) => {
      clearInterval(refresh);
      onCompromised(err);
    });
  }, staleMs / 2);
  refresh.unref();
  return async () => {
    clearInterval(refresh);
    held.delete(lockPath);
    await rmdir(lockPath);
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

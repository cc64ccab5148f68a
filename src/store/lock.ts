import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { UsageError } from '../errors.js';
import { assertProfileName } from './profile-name.js';

/**
 * Cross-process locks over proper-lockfile (a `mkdir`-based lock whose mtime is refreshed while
 * held, so the lock of a crashed process goes stale and is taken over).
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
   * Called when the lock was lost while held (its mtime could not be refreshed in time, or another
   * process judged it stale). proper-lockfile's default throws from a timer, which would crash the
   * process; writes are atomic anyway, so the default here is to carry on.
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
 * Runs `fn` while holding the lock at `lockPath` (a directory proper-lockfile creates; its parent is
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
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    try {
      return await lockfile.lock(lockPath, {
        // proper-lockfile locks an existing file by default; we lock the lock path itself.
        realpath: false,
        lockfilePath: lockPath,
        stale: opts.staleMs ?? DEFAULT_LOCK_STALE_MS,
        retries: 0,
        onCompromised: opts.onCompromised ?? (() => undefined),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() + delay > deadline) {
        throw new UsageError(
          `timed out after ${Math.round(timeoutMs / 1000)}s waiting for the lock ${lockPath} (another oauthctl process holds it)`,
          { code: 'lock_timeout', hint: `if no other oauthctl is running, remove ${lockPath}`, cause: err },
        );
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 200);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` so that a reader, or a process killed mid-write, sees either the old
 * file or the new one, never a partial one (SPEC "Token store": "written atomically (temp file +
 * rename)"; "Damaged files").
 *
 * The temp file lives in the same directory (rename is only atomic within one file system), is
 * created exclusively with `mode` (0600 by default: it holds tokens from the first byte on, and
 * an explicit chmod beats a strict umask), fsynced before the rename, and removed on failure.
 * Because the rename replaces the inode, a target with looser permissions ends up with `mode`.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  mode: number = 0o600,
): Promise<void> {
  const dir = dirname(path);
  // A hidden name that does not start with "<name>." keeps it apart from the corrupt-file siblings.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx', mode);
    await handle.chmod(mode);
    await handle.writeFile(data, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable. Best effort: Windows cannot open a directory for fsync. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported on this platform or file system; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Removes temp files that `writeFileAtomic(path, …)` left behind when its process was killed
 * mid-write (they may hold a complete copy of the secrets). Only files whose writer is no longer
 * running are removed; call it while holding the lock that guards `path`.
 */
export async function removeOrphanedTempFiles(path: string): Promise<number> {
  const dir = dirname(path);
  const pattern = new RegExp(`^\\.${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

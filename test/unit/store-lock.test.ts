import { mkdir, readdir, rmdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { profileLockPath, withLock } from '../../src/store/lock.js';
import { tempDir } from './store-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withLock', () => {
  it('runs holders one at a time and returns their result', async () => {
    const lockPath = join(await tempDir(), 'x.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lockPath, async () => {
        events.push(`${name}:in`);
        await sleep(50);
        events.push(`${name}:out`);
        return name;
      });
    expect(await Promise.all([hold('a'), hold('b'), hold('c')])).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace(':in', ':out'));
  });

  it('creates missing parent directories with mode 0700 and removes the lock afterwards', async () => {
    const home = await tempDir();
    const lockPath = profileLockPath(home, 'work');
    expect(lockPath).toBe(join(home, 'locks', 'work.lock'));
    await withLock(lockPath, async () => {
      expect((await stat(lockPath)).isDirectory()).toBe(true);
    });
    expect((await stat(join(home, 'locks'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(home, 'locks'))).toEqual([]);
  });

  it('releases the lock when fn throws', async () => {
    const lockPath = join(await tempDir(), 'x.lock');
    await expect(withLock(lockPath, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withLock(lockPath, async () => 'again', { timeoutMs: 200 })).toBe('again');
  });

  it('takes over a stale lock left by a dead process', async () => {
    const lockPath = join(await tempDir(), 'x.lock');
    await mkdir(lockPath);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    const started = Date.now();
    expect(await withLock(lockPath, async () => 'ok', { timeoutMs: 1000 })).toBe('ok');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up with lock_timeout while a live holder keeps it', async () => {
    const lockPath = join(await tempDir(), 'x.lock');
    let release!: () => void;
    const held = withLock(lockPath, () => new Promise<void>((r) => (release = r)));
    await sleep(20);
    const started = Date.now();
    const err = await withLock(lockPath, async () => 'never', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ code: 'lock_timeout' });
    expect((err as Error).message).toContain(lockPath);
    expect(Date.now() - started).toBeLessThan(1500);
    release();
    await held;
  });
});

describe('a held lock', () => {
  it('is kept fresh (its mtime renewed every staleMs/2), and its loss is reported once, not thrown', async () => {
    const lockPath = join(await tempDir(), 'x.lock');
    const old = new Date(Date.now() - 60_000);
    const lost: Error[] = [];
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await withLock(
        lockPath,
        async () => {
          await utimes(lockPath, old, old);
          vi.advanceTimersByTime(2000);
          await vi.waitFor(async () => expect((await stat(lockPath)).mtimeMs).toBeGreaterThan(old.getTime() + 30_000));
          await rmdir(lockPath); // taken away, as a process that judged it stale would
          vi.advanceTimersByTime(2000);
          await vi.waitFor(() => expect(lost).toHaveLength(1));
          vi.advanceTimersByTime(10_000);
        },
        { staleMs: 4000, onCompromised: (err) => lost.push(err) },
      );
    } finally {
      vi.useRealTimers();
    }
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ code: 'ENOENT' });
  });
});

describe('profileLockPath', () => {
  it.each(['../escape', 'a/b', '', '..'])('refuses the profile name %j', async (name) => {
    expect(() => profileLockPath('/home', name)).toThrow(expect.objectContaining({ code: 'invalid_profile' }));
  });
});

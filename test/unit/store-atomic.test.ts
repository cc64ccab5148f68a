import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { tempDir } from './store-helpers.js';

describe('writeFileAtomic', () => {
  it('replaces the file with mode 0600 and leaves no temp file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'f.json');
    await writeFile(path, 'old', { mode: 0o644 });
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['f.json']);
  });

  it('honours an explicit mode', async () => {
    const dir = await tempDir();
    await writeFileAtomic(join(dir, 'f'), 'x', 0o640);
    expect((await stat(join(dir, 'f'))).mode & 0o777).toBe(0o640);
  });

  it('removes its temp file and keeps the target when the rename fails', async () => {
    const dir = await tempDir();
    const path = join(dir, 'target');
    await mkdir(join(path, 'occupied'), { recursive: true }); // a non-empty directory cannot be renamed over
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
    expect(await readdir(path)).toEqual(['occupied']);
  });
});

describe('removeOrphanedTempFiles', () => {
  it('removes temp files of writers that are gone, and keeps live ones', async () => {
    const { mkdtempSync, writeFileSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { removeOrphanedTempFiles } = await import('../../src/store/atomic.js');
    const dir = mkdtempSync(join(tmpdir(), 'oauthctl-orphans-'));
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: never a running process
    writeFileSync(join(dir, `.tokens.json.${dead}.abcdef012345.tmp`), 'secret');
    writeFileSync(join(dir, `.tokens.json.${process.pid}.abcdef012345.tmp`), 'mine');
    writeFileSync(join(dir, `.tokens.json.${process.ppid}.abcdef012345.tmp`), 'live');
    writeFileSync(join(dir, 'tokens.json.corrupt-2026'), 'kept');
    expect(await removeOrphanedTempFiles(join(dir, 'tokens.json'))).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([`.tokens.json.${process.pid}.abcdef012345.tmp`, `.tokens.json.${process.ppid}.abcdef012345.tmp`, 'tokens.json.corrupt-2026'].sort());
  });
});

import { spawn } from 'node:child_process';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/store/file.js';
import { sampleEntry, tempDir } from './store-helpers.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

function setup(home: string) {
  const warnings: string[] = [];
  const store = createFileStore({ home, warn: (msg) => warnings.push(msg) });
  return { store, warnings, path: join(home, 'tokens.json') };
}

describe('file token store', () => {
  it('round-trips an entry and reports its path as location', async () => {
    const home = join(await tempDir(), 'home');
    const { store, path } = setup(home);
    expect(store.kind).toBe('file');
    expect(store.location).toBe(path);
    expect(await store.get('default')).toBeUndefined();
    await store.put('default', sampleEntry());
    await store.put('other', { client_secret: 's3cr3t' });
    expect(await store.get('default')).toEqual(sampleEntry());
    expect(await store.get('other')).toEqual({ client_secret: 's3cr3t' });
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(doc).toEqual({ version: 1, profiles: { default: sampleEntry(), other: { client_secret: 's3cr3t' } } });
  });

  it('creates the home with mode 0700 and tokens.json with mode 0600', async () => {
    const home = join(await tempDir(), 'nested', 'home');
    const { store, path } = setup(home);
    await store.put('default', sampleEntry());
    expect(await mode(home)).toBe(0o700);
    expect(await mode(path)).toBe(0o600);
  });

  it('tightens a tokens.json with looser permissions on write', async () => {
    const home = await tempDir();
    const { store, path } = setup(home);
    await writeFile(path, JSON.stringify({ version: 1, profiles: { a: sampleEntry() } }));
    await chmod(path, 0o644);
    await store.put('b', sampleEntry({ access_token: 'b' }));
    expect(await mode(path)).toBe(0o600);
    expect(await store.get('a')).toEqual(sampleEntry());
  });

  it('deletes one profile and leaves the others', async () => {
    const home = await tempDir();
    const { store } = setup(home);
    await store.put('a', sampleEntry());
    await store.put('b', sampleEntry({ access_token: 'b' }));
    await store.delete('a');
    await store.delete('missing');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toEqual(sampleEntry({ access_token: 'b' }));
  });

  it('delete without a tokens.json creates nothing', async () => {
    const home = join(await tempDir(), 'home');
    const { store } = setup(home);
    await store.delete('default');
    await expect(stat(home)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a profile named __proto__ as an ordinary entry', async () => {
    const home = await tempDir();
    const { store } = setup(home);
    await store.put('__proto__', sampleEntry());
    expect(await setup(home).store.get('__proto__')).toEqual(sampleEntry());
    expect(await store.get('default')).toBeUndefined();
  });

  it('leaves no temp or lock files behind', async () => {
    const home = await tempDir();
    const { store } = setup(home);
    for (let i = 0; i < 5; i++) await store.put(`p${i}`, sampleEntry({ access_token: `t${i}` }));
    await Promise.all([0, 1, 2, 3, 4].map((i) => store.put(`q${i}`, sampleEntry())));
    expect(await readdir(home)).toEqual(['tokens.json']);
  });

  describe('damaged tokens.json', () => {
    it.each([
      ['does not parse', '{"version": 1, "profiles": {'],
      ['is empty', ''],
      ['is not an object', '[]'],
      ['has an unknown version', '{"version": 2, "profiles": {}}'],
      ['has a malformed entry', '{"version": 1, "profiles": {"a": {"tokens": {"token_type": "x"}}}}'],
    ])('that %s is moved aside with one warning, contents preserved', async (_, damaged) => {
      const home = await tempDir();
      const { store, warnings, path } = setup(home);
      await writeFile(path, damaged, { mode: 0o644 });

      expect(await store.get('a')).toBeUndefined();
      expect(await store.get('a')).toBeUndefined();

      const siblings = (await readdir(home)).filter((name) => name.startsWith('tokens.json.corrupt-'));
      expect(siblings).toHaveLength(1);
      const aside = join(home, siblings[0]!);
      expect(await readFile(aside, 'utf8')).toBe(damaged);
      expect(await mode(aside)).toBe(0o600);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(path);
      expect(warnings[0]).toContain(aside);

      await store.put('a', sampleEntry());
      expect(await store.get('a')).toEqual(sampleEntry());
      expect(warnings).toHaveLength(1);
    });

    it('is moved aside by a put too, which then starts a fresh file', async () => {
      const home = await tempDir();
      const { store, warnings, path } = setup(home);
      await writeFile(path, 'garbage');
      await store.put('a', sampleEntry());
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, profiles: { a: sampleEntry() } });
      expect((await readdir(home)).sort()).toEqual(['tokens.json', expect.stringMatching(/^tokens\.json\.corrupt-/)]);
    });

    it('gets distinct names when damaged twice within the same timestamp', async () => {
      const home = await tempDir();
      const warnings: string[] = [];
      const store = createFileStore({ home, warn: (m) => warnings.push(m), now: () => new Date(0) });
      await writeFile(join(home, 'tokens.json'), 'one');
      await store.get('a');
      await writeFile(join(home, 'tokens.json'), 'two');
      await store.get('a');
      const siblings = (await readdir(home)).filter((name) => name.startsWith('tokens.json.corrupt-')).sort();
      expect(siblings).toHaveLength(2);
      expect(await readFile(join(home, siblings[0]!), 'utf8')).toBe('one');
      expect(await readFile(join(home, siblings[1]!), 'utf8')).toBe('two');
      expect(warnings).toHaveLength(2);
    });
  });

  it('loses nothing when 10 processes put different profiles at once', async () => {
    const home = await tempDir();
    const script = join(home, 'put-one.mts');
    const storeUrl = pathToFileURL(join(import.meta.dirname, '../../src/store/file.js')).href;
    await writeFile(
      script,
      `import { createFileStore } from ${JSON.stringify(storeUrl)};
const [home, profile] = process.argv.slice(2);
const store = createFileStore({ home, warn: (m) => console.error(m) });
await store.put(profile, { tokens: { access_token: 'at-' + profile, token_type: 'Bearer', obtained_at: 1 } });
`,
    );
    const profiles = Array.from({ length: 10 }, (_, i) => `proc${i}`);
    const results = await Promise.all(profiles.map((p) => runNode(['--import', 'tsx', script, home, p])));
    for (const result of results) expect(result).toEqual({ code: 0, stderr: '' });

    const { store } = setup(home);
    for (const p of profiles) expect((await store.get(p))?.tokens?.access_token).toBe(`at-${p}`);
    expect((await readdir(home)).sort()).toEqual(['put-one.mts', 'tokens.json']);
  });
});

function runNode(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

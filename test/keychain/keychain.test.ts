/**
 * The keychain store against a real Secret Service, through each binding (@napi-rs/keyring and
 * keytar → libsecret → gnome-keyring). Run it inside a D-Bus session with an unlocked keyring:
 *
 *   dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null; npx vitest run test/keychain'
 *
 * Without DBUS_SESSION_BUS_ADDRESS there is no Secret Service to talk to: the real-keyring tests
 * are skipped on a developer machine, but FAIL under CI (CI is set), so a CI job that forgot the
 * dbus-run-session wrapper cannot pass silently. The fallback test needs no bus and always runs.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partAccount } from '../../src/store/chunks.js';
import { openStore } from '../../src/store/open.js';
import type { StoreEntry, TokenStore } from '../../src/store/types.js';

const hasBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
const inCi = Boolean(process.env.CI);
const repoRoot = join(import.meta.dirname, '../..');
const run = `${process.pid}-${Date.now().toString(36)}`;

/** The Secret Service attribute that holds the account: keytar says `account`, keyring-rs `username`. */
const ACCOUNT_ATTRIBUTE = { keyring: 'username', keytar: 'account' } as const;
type Backend = keyof typeof ACCOUNT_ATTRIBUTE;

/** `secret-tool lookup`: what libsecret itself finds, independent of the binding. */
async function secretToolLookup(backend: Backend, account: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('secret-tool', ['lookup', 'service', 'oauthctl', ACCOUNT_ATTRIBUTE[backend], account]);
    return stdout.replace(/\n$/, '');
  } catch (err) {
    if ((err as { code?: unknown }).code === 1) return undefined; // not found
    throw err;
  }
}

function entry(idToken: string): StoreEntry {
  return {
    tokens: {
      access_token: `at-${run}`,
      token_type: 'Bearer',
      refresh_token: `rt-${run}`,
      id_token: idToken,
      expires_at: 1_900_000_000,
      issuer: 'https://issuer.example',
      client_id: 'oauthctl-test',
      obtained_at: 1_800_000_000,
    },
    client_secret: 'sécret',
  };
}

// Needs a session bus (npm test provides one); skipped only outside CI, see the comment at the top.
describe.skipIf(!hasBus && !inCi).each(['keyring', 'keytar'] as const)('keychain store with the real Secret Service through %s', (backend) => {
  let home: string;
  let store: TokenStore;
  const used: string[] = [];
  const profile = (name: string) => {
    const p = `oauthctl-test-${backend}-${name}-${run}`;
    used.push(p);
    return p;
  };

  beforeAll(async () => {
    expect(hasBus, 'DBUS_SESSION_BUS_ADDRESS is unset: run this file under dbus-run-session (see the comment at the top)').toBe(true);
    home = await mkdtemp(join(tmpdir(), 'oauthctl-keychain-'));
    const warnings: string[] = [];
    store = await openStore({ choice: 'keychain', home, warn: (m) => warnings.push(m), keychain: { backend } });
    expect(warnings).toEqual([]);
  });

  afterAll(async () => {
    for (const p of used) await store?.delete(p).catch(() => undefined);
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('stores, reads and deletes a token set in the keyring', async () => {
    const p = profile('small');
    const value = entry('eyJ.small.sig');
    await store.put(p, value);
    expect(await store.get(p)).toEqual(value);
    expect(JSON.parse((await secretToolLookup(backend, p))!)).toEqual(value);

    await store.delete(p);
    expect(await store.get(p)).toBeUndefined();
    expect(await secretToolLookup(backend, p)).toBeUndefined();
  });

  it('splits a large token set across entries and removes every part on delete', async () => {
    const p = profile('chunked');
    const value = entry('x'.repeat(10_000));
    await store.put(p, value);
    expect(await store.get(p)).toEqual(value);

    const header = JSON.parse((await secretToolLookup(backend, p))!) as { oauthctl_chunks: number; id: string };
    expect(header.oauthctl_chunks).toBeGreaterThanOrEqual(5);
    const parts: string[] = [];
    for (let i = 1; i <= header.oauthctl_chunks; i++) {
      const part = await secretToolLookup(backend, partAccount(p, header.id, i));
      expect(part, `part ${i}`).toBeDefined();
      expect(part!.length).toBeLessThanOrEqual(2000);
      parts.push(part!);
    }
    expect(JSON.parse(parts.join(''))).toEqual(value);

    await store.put(p, entry('short'));
    expect(await secretToolLookup(backend, partAccount(p, header.id, 1))).toBeUndefined();
    expect(await store.get(p)).toEqual(entry('short'));

    await store.put(p, value);
    const header2 = JSON.parse((await secretToolLookup(backend, p))!) as { oauthctl_chunks: number; id: string };
    await store.delete(p);
    expect(await secretToolLookup(backend, p)).toBeUndefined();
    for (let i = 1; i <= header2.oauthctl_chunks; i++) {
      expect(await secretToolLookup(backend, partAccount(p, header2.id, i))).toBeUndefined();
    }
  });
});

describe('auto with an unreachable D-Bus', () => {
  it('falls back to the file store quietly (the fallback sentence kept for login), without hanging', async () => {
    const home = await mkdtemp(join(tmpdir(), 'oauthctl-keychain-'));
    try {
      const script = join(home, 'open-auto.mts');
      const openUrl = pathToFileURL(join(repoRoot, 'src/store/open.js')).href;
      await writeFile(
        script,
        `import { openStore } from ${JSON.stringify(openUrl)};
const warnings = [];
const started = Date.now();
const store = await openStore({ choice: 'auto', home: process.argv[2], warn: (m) => warnings.push(m) });
console.log(JSON.stringify({ kind: store.kind, location: store.location, fallback: store.fallback, warnings, ms: Date.now() - started }));
`,
      );
      // The probe and the bindings read the variable, so it is set before the process starts.
      const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
      const { code, stdout, stderr } = await runNode(['--import', 'tsx', script, home], env, 20_000);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(stdout) as { kind: string; location: string; fallback: string; warnings: string[]; ms: number };
      expect(result.kind).toBe('file');
      expect(result.location).toBe(join(home, 'tokens.json'));
      expect(result.warnings).toEqual([]);
      expect(result.fallback).toMatch(/^OS keychain unavailable \(.+\); storing tokens in .+tokens\.json \(mode 0600\)$/);
      expect(result.ms).toBeLessThan(3500);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

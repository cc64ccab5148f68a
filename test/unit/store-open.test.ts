import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { KeyringBackend } from '../../src/store/keychain.js';
import { openStore } from '../../src/store/open.js';
import type { StoreChoice, TokenStore } from '../../src/store/types.js';
import { fakeKeytar, sampleEntry, silentKeytar, tempDir } from './store-helpers.js';

async function open(choice: StoreChoice, keytar: KeyringBackend | Error) {
  const home = await tempDir();
  const warnings: string[] = [];
  const loadBackend = async () => {
    if (keytar instanceof Error) throw keytar;
    return keytar;
  };
  const started = Date.now();
  let store: TokenStore | undefined;
  let error: unknown;
  try {
    store = await openStore({ choice, home, warn: (m) => warnings.push(m), keychain: { loadBackend, timeoutMs: 200 } });
  } catch (err) {
    error = err;
  }
  return { store, error, warnings, home, elapsed: Date.now() - started };
}

describe('openStore', () => {
  it('none keeps entries in this process only', async () => {
    const { store, warnings } = await open('none', new Error('not needed'));
    expect(store).toMatchObject({ kind: 'none', location: 'nowhere (--token-store none)' });
    await store!.put('p', sampleEntry());
    expect(await store!.get('p')).toEqual(sampleEntry());
    expect(warnings).toEqual([]);
  });

  it('file is tokens.json in the home, without touching the keychain', async () => {
    const { store, home, warnings } = await open('file', new Error('not needed'));
    expect(store).toMatchObject({ kind: 'file', location: join(home, 'tokens.json') });
    expect(warnings).toEqual([]);
  });

  it('keychain returns the keychain store when the probe answers', async () => {
    const { store, warnings } = await open('keychain', fakeKeytar());
    expect(store).toMatchObject({ kind: 'keychain', location: 'OS keychain (service oauthctl)' });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['cannot be loaded', new Error('Cannot find package keytar')],
    ['never answers', silentKeytar()],
  ])('keychain fails with keychain_unavailable when keytar %s', async (_, keytar) => {
    const { error, warnings, elapsed } = await open('keychain', keytar);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'keychain_unavailable', hint: 'use --token-store file' });
    expect((error as Error).message).toMatch(/^OS keychain unavailable: \S/);
    expect(warnings).toEqual([]);
    expect(elapsed).toBeLessThan(1000);
  });

  it('auto uses the keychain when it answers, without a warning', async () => {
    const { store, warnings } = await open('auto', fakeKeytar());
    expect(store?.kind).toBe('keychain');
    expect(warnings).toEqual([]);
  });

  it.each([
    ['cannot be loaded', new Error('Cannot find package keytar'), 'the keychain binding could not be loaded'],
    ['never answers', silentKeytar(), 'no answer within 200ms'],
  ])('auto falls back to the file with exactly one warning when keytar %s', async (_, keytar, reason) => {
    const { store, home, warnings, elapsed } = await open('auto', keytar);
    expect(store?.kind).toBe('file');
    const path = join(home, 'tokens.json');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^OS keychain unavailable \(.+\); storing tokens in .+ \(mode 0600\)$/);
    expect(warnings[0]).toContain(reason);
    expect(warnings[0]).toContain(path);
    expect(elapsed).toBeLessThan(1000);
    await store!.put('p', sampleEntry());
    expect(await store!.get('p')).toEqual(sampleEntry());
    expect(warnings).toHaveLength(1);
  });
});

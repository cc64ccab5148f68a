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
  const notes: string[] = [];
  const loadBackend = async () => {
    if (keytar instanceof Error) throw keytar;
    return keytar;
  };
  const started = Date.now();
  let store: TokenStore | undefined;
  let error: unknown;
  try {
    store = await openStore({ choice, home, warn: (m) => warnings.push(m), note: (m) => notes.push(m), keychain: { loadBackend, timeoutMs: 200 } });
  } catch (err) {
    error = err;
  }
  return { store, error, warnings, notes, home, elapsed: Date.now() - started };
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
  ])('auto falls back to the file quietly, keeping the one sentence in `fallback`, when the keychain %s', async (_, keytar, reason) => {
    const { store, home, warnings, notes, elapsed } = await open('auto', keytar);
    expect(store?.kind).toBe('file');
    const path = join(home, 'tokens.json');
    expect(warnings).toEqual([]);
    expect(store!.fallback).toMatch(/^OS keychain unavailable \(.+\); storing tokens in .+ \(mode 0600\)$/);
    expect(store!.fallback).toContain(reason);
    expect(store!.fallback).toContain(path);
    expect(notes).toEqual([store!.fallback]); // shown under -v only
    expect(elapsed).toBeLessThan(1000);
    await store!.put('p', sampleEntry());
    expect(await store!.get('p')).toEqual(sampleEntry());
    expect(warnings).toEqual([]);
  });

  it('auto with a keychain that answers reads but refuses writes: the write goes to the file, quietly, and `fallback` says so', async () => {
    const locked = fakeKeytar();
    locked.setPassword = () => Promise.reject(new Error('Cannot create an item in a locked collection'));
    const { store, home, warnings } = await open('auto', locked);
    expect(store?.kind).toBe('keychain');
    expect(store!.fallback).toBeUndefined();
    await store!.put('p', sampleEntry());
    expect(store!.kind).toBe('file');
    expect(store!.fallback).toBe(`OS keychain refused the write (Cannot create an item in a locked collection); storing tokens in ${join(home, 'tokens.json')} (mode 0600)`);
    expect(await store!.get('p')).toEqual(sampleEntry());
    expect(warnings).toEqual([]);
  });
});

describe('openStore auto fallback, said once per home', () => {
  it('has no `fallback` sentence once tokens.json exists', async () => {
    const home = await tempDir();
    const loadBackend = async (): Promise<KeyringBackend> => {
      throw new Error('no binding');
    };
    const first = await openStore({ choice: 'auto', home, warn: () => undefined, keychain: { loadBackend } });
    expect(first.fallback).toContain('OS keychain unavailable');
    await first.put('p', sampleEntry());
    const second = await openStore({ choice: 'auto', home, warn: () => undefined, keychain: { loadBackend } });
    expect(second.kind).toBe('file');
    expect(second.fallback).toBeUndefined();
  });
});

describe('openStore auto: a keychain read that does not answer', () => {
  it('falls back to the file, quietly, instead of failing the command', async () => {
    const home = await tempDir();
    const answersOnce = fakeKeytar();
    let reads = 0;
    const get = answersOnce.getPassword.bind(answersOnce);
    answersOnce.getPassword = (service, account) => (++reads === 1 ? get(service, account) : Promise.reject(new Error('No such interface')));
    const warnings: string[] = [];
    const store = await openStore({ choice: 'auto', home, warn: (m) => warnings.push(m), keychain: { loadBackend: async () => answersOnce } });
    expect(store.kind).toBe('keychain');
    expect(await store.get('p')).toBeUndefined();
    expect(store.kind).toBe('file');
    expect(store.fallback).toContain('OS keychain unavailable (No such interface)');
    expect(warnings).toEqual([]);
  });

  it('a binding whose bus was probed already is not probed again with a read', async () => {
    const home = await tempDir();
    const backend = { ...fakeKeytar(), answered: true, getPassword: () => Promise.reject(new Error('no read expected')) };
    const store = await openStore({ choice: 'keychain', home, warn: () => undefined, keychain: { loadBackend: async () => backend } });
    expect(store.kind).toBe('keychain');
  });
});

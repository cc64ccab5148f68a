import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  createKeychainStore,
  KeychainUnavailableError,
  type KeychainStoreOptions,
  type KeyringBackend,
} from '../../src/store/keychain.js';
import { fakeKeytar, sampleEntry, silentKeytar } from './store-helpers.js';

function setup(keytar: KeyringBackend = fakeKeytar(), opts: KeychainStoreOptions = {}) {
  const warnings: string[] = [];
  const loadBackend = vi.fn(async () => keytar);
  const store = createKeychainStore({ loadBackend, warn: (m) => warnings.push(m), ...opts });
  return { store, warnings, loadBackend };
}

const bigEntry = () => sampleEntry({ id_token: 'x'.repeat(10_000) });

afterEach(() => {
  vi.useRealTimers();
});

describe('keychain token store', () => {
  it('loads the binding only when first used', async () => {
    const { store, loadBackend } = setup();
    expect(store.kind).toBe('keychain');
    expect(store.location).toBe('OS keychain (service oauthctl)');
    expect(loadBackend).not.toHaveBeenCalled();
    await store.get('default');
    await store.get('default');
    expect(loadBackend).toHaveBeenCalledTimes(1);
  });

  it('reads "not found" as undefined', async () => {
    const { store } = setup();
    expect(await store.get('nobody')).toBeUndefined();
    await store.delete('nobody');
  });

  it('stores a small entry as one JSON value under service oauthctl, account = profile', async () => {
    const keytar = fakeKeytar();
    const { store } = setup(keytar);
    await store.put('work', sampleEntry());
    expect(keytar.accounts()).toEqual(['work']);
    expect(JSON.parse((await keytar.getPassword('oauthctl', 'work'))!)).toEqual(sampleEntry());
    expect(await store.get('work')).toEqual(sampleEntry());
  });

  it('splits a 10 KB entry into parts of at most maxEntryChars and joins them on read', async () => {
    const keytar = fakeKeytar();
    const { store } = setup(keytar);
    await store.put('big', bigEntry());
    const accounts = keytar.accounts();
    expect(accounts.length).toBeGreaterThanOrEqual(7);
    for (const [key, value] of keytar.entries) expect(value.length, key).toBeLessThanOrEqual(2000);
    const header = JSON.parse((await keytar.getPassword('oauthctl', 'big'))!);
    expect(header).toEqual({ oauthctl_chunks: accounts.length - 1, id: expect.any(String) });
    expect(accounts.filter((a) => a !== 'big').every((a) => a.startsWith(`big/part/${header.id}/`))).toBe(true);
    expect(await store.get('big')).toEqual(bigEntry());
  });

  it('removes stale parts when the entry shrinks or is rewritten', async () => {
    const keytar = fakeKeytar();
    const { store } = setup(keytar);
    await store.put('p', bigEntry());
    await store.put('p', sampleEntry({ id_token: 'y'.repeat(5000) }));
    const header = JSON.parse((await keytar.getPassword('oauthctl', 'p'))!);
    expect(keytar.accounts()).toHaveLength(header.oauthctl_chunks + 1);
    expect(await store.get('p')).toEqual(sampleEntry({ id_token: 'y'.repeat(5000) }));
    await store.put('p', sampleEntry());
    expect(keytar.accounts()).toEqual(['p']);
    expect(await store.get('p')).toEqual(sampleEntry());
  });

  it('deletes the header and every part', async () => {
    const keytar = fakeKeytar();
    const { store } = setup(keytar);
    await store.put('p', bigEntry());
    await store.put('other', sampleEntry());
    await store.delete('p');
    expect(keytar.accounts()).toEqual(['other']);
    expect(await store.get('p')).toBeUndefined();
  });

  it('keeps non-ASCII secrets intact across part boundaries, counting bytes as chars', async () => {
    const keytar = fakeKeytar();
    const { store } = setup(keytar, { maxEntryChars: 64 });
    const entry = { client_secret: '🔑é中'.repeat(40), ...sampleEntry() };
    await store.put('u', entry);
    for (const value of keytar.entries.values()) {
      expect(Buffer.byteLength(value, 'utf8')).toBeLessThanOrEqual(64);
    }
    expect(await store.get('u')).toEqual(entry);
  });

  it('reports a value that does not parse once and reads it as undefined', async () => {
    const keytar = fakeKeytar();
    await keytar.setPassword('oauthctl', 'bad', '{not json');
    const { store, warnings } = setup(keytar);
    expect(await store.get('bad')).toBeUndefined();
    expect(await store.get('bad')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/oauthctl\/bad is damaged/);
    await store.put('bad', sampleEntry());
    expect(await store.get('bad')).toEqual(sampleEntry());
  });

  it('reads an entry whose part is missing as damaged, not as a crash', async () => {
    const keytar = fakeKeytar();
    const { store, warnings } = setup(keytar);
    await store.put('p', bigEntry());
    const part = keytar.accounts().find((a) => a.endsWith('/2'))!;
    await keytar.deletePassword('oauthctl', part);
    expect(await store.get('p')).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('part 2 of')]);
  });

  it.each([
    ['a malformed chunk header', '{"oauthctl_chunks":"many"}'],
    ['JSON of the wrong shape', '{"tokens":42}'],
  ])('reads %s as damaged', async (_, value) => {
    const keytar = fakeKeytar();
    await keytar.setPassword('oauthctl', 'p', value);
    const { store, warnings } = setup(keytar);
    expect(await store.get('p')).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('refuses profile names that could collide with part accounts', async () => {
    const { store } = setup();
    await expect(store.get('a/part/x/1')).rejects.toMatchObject({ code: 'invalid_profile' });
  });

  describe('when the keychain cannot be used', () => {
    it('throws KeychainUnavailableError within the deadline when keytar never answers', async () => {
      const { store } = setup(silentKeytar(), { timeoutMs: 200 });
      const started = Date.now();
      const err = await store.get('p').catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(err).toBeInstanceOf(KeychainUnavailableError);
      expect(err).toBeInstanceOf(UsageError);
      expect(err).toMatchObject({ code: 'keychain_unavailable', reason: 'no answer within 200ms', hint: 'use --token-store file' });
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(1000);

      // Once stuck, later calls fail at once instead of waiting again.
      const again = Date.now();
      await expect(store.put('p', sampleEntry())).rejects.toBeInstanceOf(KeychainUnavailableError);
      expect(Date.now() - again).toBeLessThan(100);
    });

    it('says "no answer within 3s" with the default deadline', async () => {
      vi.useFakeTimers();
      const { store } = setup(silentKeytar());
      const result = store.probe().catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(2999);
      await vi.advanceTimersByTimeAsync(1);
      expect(await result).toMatchObject({ reason: 'no answer within 3s' });
    });

    it('is unavailable when no binding can be loaded', async () => {
      const store = createKeychainStore({
        loadBackend: () => Promise.reject(new Error("Cannot find package 'keytar'\nstack…")),
      });
      await expect(store.probe()).rejects.toMatchObject({
        name: 'KeychainUnavailableError',
        reason: "the keychain binding could not be loaded (Cannot find package 'keytar')",
      });
    });

    it('turns a keytar error into KeychainUnavailableError with its message as reason', async () => {
      const keytar = fakeKeytar();
      keytar.getPassword = () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'));
      const { store } = setup(keytar);
      await expect(store.get('p')).rejects.toMatchObject({
        reason: 'Cannot autolaunch D-Bus without X11 $DISPLAY',
        message: 'OS keychain unavailable: Cannot autolaunch D-Bus without X11 $DISPLAY',
      });
    });
  });
});

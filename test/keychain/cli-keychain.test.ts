/**
 * The built CLI with the real Secret Service (run inside `scripts/with-keyring.sh`, which
 * `npm test` does), through @napi-rs/keyring and through keytar (OAUTHCTL_KEYCHAIN_BACKEND):
 * tokens go to the keychain and no tokens.json appears; with no D-Bus, or a D-Bus that accepts
 * the connection and never answers, `auto` falls back to the file and `keychain` exits 2, and the
 * process ends on its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useFixture } from '../integration/cli.js';

const hasBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
if (!hasBus && process.env.CI) throw new Error('CI must run the keychain tests inside a D-Bus session: use `npm test`');

const t = useFixture();


// The 3 s keychain deadline is covered by unit tests; here a loaded CI machine must not turn a
// slow first D-Bus activation of gnome-keyring into a failure.
const SLOW_OK = { OAUTHCTL_KEYCHAIN_TIMEOUT_MS: '20000' };

function login(profile: string, store: string, env: Record<string, string | undefined> = {}) {
  const c = t.fixture.clients.confidentialBasic;
  return runCli(
    ['login', '-p', profile, '--token-store', store, '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c.id, '--scope', 'people:read'],
    { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c.secret, ...SLOW_OK, ...env } },
  );
}

// Skipped only on a developer machine without a session bus (e.g. macOS running vitest
// directly); under CI the throw above fails the file instead.
/** The Secret Service attribute holding the account: keytar says `account`, keyring-rs `username`. */
const ACCOUNT_ATTRIBUTE = { keyring: 'username', keytar: 'account' } as const;

// Skipped only on a developer machine without a session bus; under CI the throw above fails the file.
describe.skipIf(!hasBus).each(['keyring', 'keytar'] as const)('keychain store through the CLI with %s', (backend) => {
  it('stores and reads the token set in the Secret Service; tokens.json stays absent', async () => {
    const profile = `cli-${backend}-${process.pid}-${Date.now().toString(36)}`;
    const BACKEND = { ...SLOW_OK, OAUTHCTL_KEYCHAIN_BACKEND: backend };
    const res = await login(profile, 'keychain', BACKEND);
    expect(res.stderr).toContain('OS keychain');
    expect(res.code).toBe(0);
    const token = await runCli(['token', '-p', profile, '--token-store', 'keychain'], { home: t.home, env: BACKEND });
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^\S+\n$/);
    expect(existsSync(join(t.home, 'tokens.json'))).toBe(false);

    const { stdout } = await promisify(execFile)('secret-tool', ['lookup', 'service', 'oauthctl', ACCOUNT_ATTRIBUTE[backend], profile]);
    expect(stdout).toContain(token.stdout.trim());

    const show = await runCli(['token', 'show', '-p', profile, '-o', 'json', '--token-store', 'keychain'], { home: t.home, env: BACKEND });
    expect(JSON.parse(show.stdout)).toMatchObject({ store: 'keychain', profile });
    expect((await runCli(['profile', 'add', profile, '--token-url', `${t.fixture.issuer}/token`, '--client-id', 'x', '--client-auth', 'none', '--token-store', 'keychain'], { home: t.home, env: BACKEND })).code).toBe(0);
    expect((await runCli(['profile', 'remove', profile, '--token-store', 'keychain'], { home: t.home, env: BACKEND })).code).toBe(0);
    const gone = await runCli(['token', '-p', profile, '--token-store', 'keychain'], { home: t.home, env: BACKEND });
    expect(gone.code).toBe(5);
  });
});

/** Reports, at exit, the files the process required (test/support/report-loaded.cjs). */
const REPORT_LOADED = fileURLToPath(new URL('../support/report-loaded.cjs', import.meta.url));

// Linux reads the Secret Service over D-Bus from JavaScript (src/store/secret-service.ts).
describe.skipIf(!hasBus || process.platform !== 'linux')('`token` with the keychain on Linux', () => {
  it('reads what @napi-rs/keyring stored without loading any native binding (nothing native to hang)', async () => {
    const profile = `cli-js-read-${process.pid}-${Date.now().toString(36)}`;
    const res = await login(profile, 'keychain');
    expect(res.code).toBe(0);
    try {
      const loaded = join(t.home, `loaded-${profile}.json`);
      const token = await runCli(['token', '-p', profile, '--token-store', 'keychain'], {
        home: t.home,
        env: { ...SLOW_OK, NODE_OPTIONS: `--require ${REPORT_LOADED}`, OAUTHCTL_TEST_LOADED_FILE: loaded },
      });
      expect(token.code).toBe(0);
      const { stdout } = await promisify(execFile)('secret-tool', ['lookup', 'service', 'oauthctl', 'username', profile]);
      expect(stdout).toContain(token.stdout.trim());
      const { files } = JSON.parse(readFileSync(loaded, 'utf8')) as { files: string[] };
      expect(files.some((f) => f.includes(join('dist', 'chunks')))).toBe(true); // the report is of the CLI's run
      expect(files.filter((f) => /@napi-rs[\\/]keyring|keytar|\.node$/.test(f))).toEqual([]);
    } finally {
      await promisify(execFile)('secret-tool', ['clear', 'service', 'oauthctl', 'username', profile]).catch(() => undefined);
    }
  });
});

describe('auto without D-Bus', () => {
  it('falls back to tokens.json with exactly one warning', async () => {
    const res = await login('nobus', 'auto', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: undefined });
    expect(res.code).toBe(0);
    expect(res.stderr.match(/warning:/g)).toHaveLength(1);
    expect(res.stderr).toContain('OS keychain unavailable');
    expect(existsSync(join(t.home, 'tokens.json'))).toBe(true);
  });

  it('`--token-store keychain` without D-Bus is exit 2 with a hint', async () => {
    const res = await login('nobus', 'keychain', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: undefined });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('hint: use --token-store file');
  });
});

/** A "D-Bus" that accepts every connection and never says a word. */
describe('a D-Bus that accepts the connection and never answers', () => {
  let dir: string;
  let server: Server;
  const sockets = new Set<Socket>();
  let accepted = 0;
  const DEADLINE = { OAUTHCTL_KEYCHAIN_TIMEOUT_MS: '700', DISPLAY: undefined };
  const silentBus = () => ({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'bus')},guid=0123456789abcdef` });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauthctl-silent-bus-'));
    server = createServer((socket) => {
      accepted++;
      sockets.add(socket);
      socket.on('data', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'bus'), resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['keyring', 'keytar'])('`--token-store keychain` (%s) says "no answer" and exits 2 on its own', async (backend) => {
    const before = accepted;
    const res = await runCli(['token', '-p', 'silent', '--token-store', 'keychain'], {
      home: t.home,
      env: { ...silentBus(), ...DEADLINE, OAUTHCTL_KEYCHAIN_BACKEND: backend },
      timeoutMs: 15_000,
    });
    expect(res.signal).toBeNull(); // ended by itself, not by runCli's kill
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('OS keychain unavailable: no answer within 700ms');
    expect(accepted).toBeGreaterThan(before); // it really talked to our silent bus
  });

  it('`auto` goes on with the file store and the command ends normally', async () => {
    const login = await runCli(
      ['login', '-p', 'silent', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.confidentialBasic.id, '--scope', 'people:read'],
      { home: t.home, env: { ...silentBus(), ...DEADLINE, OAUTHCTL_TOKEN_STORE: 'auto', OAUTHCTL_CLIENT_SECRET: t.fixture.clients.confidentialBasic.secret }, timeoutMs: 15_000 },
    );
    expect(login.signal).toBeNull();
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('no answer within 700ms');
    const token = await runCli(['token', '-p', 'silent'], { home: t.home, env: { ...silentBus(), ...DEADLINE, OAUTHCTL_TOKEN_STORE: 'auto' }, timeoutMs: 15_000 });
    expect(token.signal).toBeNull();
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^\S+\n$/);
    expect(token.stderr).toBe(''); // reading stays quiet (SPEC "Token store")
  });
});

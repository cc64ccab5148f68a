/**
 * What the hot paths load, through the built CLI (README "Speed"): `--version`, `decode` and
 * `token` with a stored token read nothing from node_modules and never build Node's stream or
 * socket machinery (process.stdout, node:tty, node:fs/promises); the answer still arrives whole
 * through a pipe, and a reader that goes away ends the CLI quietly.
 */
import { spawnSync } from 'node:child_process';
import Module from 'node:module';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RFC7519_JWT } from '../support/examples.js';
import { BIN, runCli, useFixture } from './cli.js';

const t = useFixture();
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../support/report-loaded.cjs', import.meta.url));
/** bin/oauthctl.js and its code-cache loader (bin/code-cache.js). */
const isBin = (f: string) => f === BIN || f === join(dirname(BIN), 'code-cache.js');
/** Built-ins that creating process.stdout, loading node:tty or async fs would bring in. */
const HEAVY_BUILTINS = ['net', 'tty', 'stream', 'internal/fs/promises', 'internal/streams/writable'];

async function loadedBy(args: string[], input?: string): Promise<{ files: string[]; builtins: string[]; stdout: string }> {
  const report = join(t.home, 'loaded.json');
  const res = await runCli(args, { home: t.home, ...(input !== undefined ? { input } : {}), env: { NODE_OPTIONS: `--require "${PRELOAD}"`, OAUTHCTL_TEST_LOADED_FILE: report } });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return { ...(JSON.parse(readFileSync(report, 'utf8')) as { files: string[]; builtins: string[] }), stdout: res.stdout };
}

function expectLean(loaded: { files: string[]; builtins: string[] }): void {
  const ours = loaded.files.filter((f) => f !== PRELOAD && !isBin(f));
  expect(ours.length).toBeGreaterThan(0);
  expect(ours.filter((f) => !f.startsWith(DIST))).toEqual([]); // no node_modules, no commander
  expect(HEAVY_BUILTINS.filter((m) => loaded.builtins.includes(m))).toEqual([]);
}

/** A client_credentials token in the file store (`--dpop`: DPoP-bound). */
async function loginService(...extra: string[]): Promise<void> {
  const client = t.fixture.clients.confidentialBasic;
  const login = await runCli(['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', client.id, '--client-secret-stdin', ...extra], {
    home: t.home,
    input: client.secret,
  });
  expect(login.code).toBe(0);
}

describe('start-up: the hot paths stay lean', () => {
  it('--version loads the entry and what it imports, nothing else', async () => {
    const loaded = await loadedBy(['--version']);
    expect(loaded.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
    expectLean(loaded);
  });

  it('decode', async () => {
    const loaded = await loadedBy(['decode', RFC7519_JWT]);
    expect(loaded.stdout).toContain('"iss": "joe"');
    expectLean(loaded);
  });

  it('token with a stored token (file store)', async () => {
    await loginService();
    const loaded = await loadedBy(['token']);
    expect(loaded.stdout).toMatch(/^\S{20,}\n$/);
    expectLean(loaded);
    // The preload itself would show if the check were blind: a command that streams loads them.
    const call = await loadedBy(['call', 'GET', '/people', '--base-url', t.fixture.apiBaseUrl]);
    expect(call.builtins).toContain('stream');
  });

  it('what git and kubectl run on every command, and status (file store)', async () => {
    await loginService();
    const git = await loadedBy(['git-credential', 'get'], 'protocol=https\nhost=git.example.com\n\n');
    expect(git.stdout).toMatch(/^username=oauth2\npassword=\S{20,}\npassword_expiry_utc=\d+\n$/);
    expectLean(git);
    const kube = await loadedBy(['token', '--format', 'exec-credential']);
    expect(JSON.parse(kube.stdout)).toMatchObject({ kind: 'ExecCredential' });
    expectLean(kube);
    const status = await loadedBy(['status']);
    expect(status.stdout).toMatch(/^default: valid/);
    expectLean(status);
  });
});

describe('start-up: the code cache', () => {
  it('main.js and the start-up chunk have a V8 code cache that this node accepts', () => {
    const chunks = readdirSync(join(DIST, 'chunks')).filter((f) => f.endsWith('.js.cache'));
    const files = [join(DIST, 'main.js'), ...chunks.map((f) => join(DIST, 'chunks', f.slice(0, -'.cache'.length)))];
    expect(files.some((f) => /[/\\]run-[^/\\]+\.js$/.test(f))).toBe(true);
    for (const file of files) {
      const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(`${file}.cache`) });
      expect(script.cachedDataRejected, file).toBe(false);
    }
  });
});

describe('start-up: token proof', () => {
  it('signs with the jose bundled into dist/: no commander, nothing from node_modules', async () => {
    await loginService('--dpop');
    const loaded = await loadedBy(['token', 'proof', 'GET', `${t.fixture.apiBaseUrl}/people`]);
    expect(loaded.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(loaded.files.filter((f) => f !== PRELOAD && !isBin(f) && !f.startsWith(DIST))).toEqual([]);
  });
});

describe('start-up: the CI one-liner', () => {
  it('token with flags only and --token-store none: no commander, no node_modules, nothing written to the home', async () => {
    const client = t.fixture.clients.confidentialBasic;
    const report = join(t.home, '..', `loaded-${process.pid}.json`);
    const args = ['token', '--token-store', 'none', '--grant', 'client_credentials', '--token-url', `${t.fixture.issuer}/token`, '--client-id', client.id, '--no-discovery'];
    const res = await runCli(args, {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: client.secret, NODE_OPTIONS: `--require "${PRELOAD}"`, OAUTHCTL_TEST_LOADED_FILE: report },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\S{20,}\n$/);
    const loaded = JSON.parse(readFileSync(report, 'utf8')) as { files: string[] };
    rmSync(report);
    expect(loaded.files.filter((f) => f !== PRELOAD && !isBin(f) && !f.startsWith(DIST))).toEqual([]);
    expect(readdirSync(t.home)).toEqual([]);
  });
});

describe('start-up: output', () => {
  /** A 3 MB JWT: its JSON is larger than any pipe buffer. */
  const bigJwt = () => {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${part({ alg: 'RS256' })}.${part({ sub: 'a', blob: 'x'.repeat(3_000_000) })}.c2ln`;
  };

  it('a large answer arrives whole through a pipe', async () => {
    const res = await runCli(['decode', '-', '-o', 'json'], { home: t.home, input: bigJwt() });
    expect(res.code).toBe(0);
    expect((JSON.parse(res.stdout) as { payload: { blob: string } }).payload.blob).toHaveLength(3_000_000);
  });

  it('a reader that goes away (`| head -c 10`) ends it quietly with exit 0', () => {
    const file = join(t.home, 'big.jwt');
    writeFileSync(file, bigJwt());
    const res = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" decode - -o json < "${file}" | head -c 10; echo " exit=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(res.stdout).toBe('{\n  "heade exit=0\n');
    expect(res.stderr).toBe('');
  });
});

/**
 * A hostile or careless oauthctl home, through the built CLI (SPEC "Safety", "Damaged files"):
 * loose permissions are tightened or refused, nothing is chmod'ed or written through a symbolic
 * link, profile names follow one rule and names such as `__proto__` are ordinary, and a wrongly
 * typed tokens.json entry is a damaged file (moved aside, one warning), never an internal error.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome, useFixture, type CliResult } from './cli.js';

const t = useFixture();

const client = () => t.fixture.clients.confidentialBasic;
const ccLogin = (profile: string, home = t.home) =>
  runCli(
    ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', client().id, '--scope', 'people:read', '-p', profile],
    { home, env: { OAUTHCTL_CLIENT_SECRET: client().secret } },
  );
const modeOf = (path: string) => statSync(path).mode & 0o777;
const lines = (res: CliResult) => res.stderr.split('\n').filter((l) => l !== '');
const isRoot = process.getuid?.() === 0;

function expectOneLineError(res: CliResult, code: number): void {
  expect(res.code, res.stderr).toBe(code);
  expect(res.stderr).toMatch(/^oauthctl: [^\n]+\n(hint: [^\n]+\n)?$/);
}

describe('the home directory', () => {
  it('is created 0700 by the first write', async () => {
    const home = join(t.home, 'new', 'oauthctl');
    const res = await ccLogin('p', home);
    expect(res.code, res.stderr).toBe(0);
    expect(modeOf(home)).toBe(0o700);
  });

  it('a world-writable home of the user is tightened to 0700 with one warning, and the command goes on', async () => {
    chmodSync(t.home, 0o777);
    const res = await ccLogin('p');
    expect(res.code, res.stderr).toBe(0);
    expect(lines(res).filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: the oauthctl home ${t.home} was writable by other users (mode 0777); changed it to 0700`,
    ]);
    expect(modeOf(t.home)).toBe(0o700);
    const again = await runCli(['token', '-p', 'p'], { home: t.home });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
  });

  // Needs root to chown the home to another user; CI runs as root, so it runs there.
  it.skipIf(!isRoot)('a group-writable home that belongs to another user is exit 2, unchanged', async () => {
    chmodSync(t.home, 0o770);
    chownSync(t.home, 65534, 65534);
    try {
      const res = await runCli(['profile', 'list'], { home: t.home });
      expectOneLineError(res, 2);
      expect(res.stderr).toContain(`${t.home} is writable by other users (mode 0770) and does not belong to you`);
      expect(modeOf(t.home)).toBe(0o770);
    } finally {
      chownSync(t.home, 0, 0);
    }
  });

  it('a home that is a symbolic link to a loose directory is refused, and the target keeps its mode', async () => {
    const target = join(t.home, 'real');
    mkdirSync(target, { mode: 0o700 });
    chmodSync(target, 0o777);
    const link = join(t.home, 'link');
    symlinkSync(target, link);
    const res = await runCli(['token'], { home: link });
    expectOneLineError(res, 2);
    expect(res.stderr).toContain('symbolic link');
    expect(modeOf(target)).toBe(0o777);
  });

  it('a home that is a symbolic link to a private directory is used', async () => {
    const target = join(t.home, 'real');
    mkdirSync(target, { mode: 0o700 });
    const link = join(t.home, 'link');
    symlinkSync(target, link);
    const res = await ccLogin('p', link);
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(target)).toContain('tokens.json');
  });
});

describe('symbolic links inside the home', () => {
  it('a damaged tokens.json that is a link: the link is moved aside, its target is neither changed nor chmod-ed', async () => {
    const { home: outside, cleanup } = tempHome();
    try {
      const target = join(outside, 'precious');
      writeFileSync(target, 'not json {', { mode: 0o644 });
      chmodSync(target, 0o644);
      symlinkSync(target, join(t.home, 'tokens.json'));
      const res = await ccLogin('p');
      expect(res.code, res.stderr).toBe(0);
      expect(lines(res).filter((l) => l.includes('damaged'))).toHaveLength(1);
      expect(modeOf(target)).toBe(0o644);
      expect(readFileSync(target, 'utf8')).toBe('not json {');
      const aside = readdirSync(t.home).find((f) => f.startsWith('tokens.json.corrupt-'));
      expect(aside).toBeDefined();
      expect(readlinkSync(join(t.home, aside!))).toBe(target);
      expect(lstatSync(join(t.home, 'tokens.json')).isFile()).toBe(true);
      expect(modeOf(join(t.home, 'tokens.json'))).toBe(0o600);
    } finally {
      cleanup();
    }
  });

  it('a tokens.json that is a link to a valid file is read, and the next write replaces the link, not the target', async () => {
    const { home: outside, cleanup } = tempHome();
    try {
      expect((await ccLogin('p')).code).toBe(0);
      const target = join(outside, 'tokens.json');
      writeFileSync(target, readFileSync(join(t.home, 'tokens.json')), { mode: 0o600 });
      const before = readFileSync(target, 'utf8');
      const { rmSync } = await import('node:fs');
      rmSync(join(t.home, 'tokens.json'));
      symlinkSync(target, join(t.home, 'tokens.json'));
      const token = await runCli(['token', '-p', 'p'], { home: t.home });
      expect(token.code, token.stderr).toBe(0);
      expect((await ccLogin('q')).code).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe(before);
      expect(lstatSync(join(t.home, 'tokens.json')).isSymbolicLink()).toBe(false);
    } finally {
      cleanup();
    }
  });
});

describe('profile names', () => {
  const add = (name: string) =>
    runCli(['profile', 'add', name, '--token-url', `${t.fixture.issuer}/token`, '--client-id', 'x', '--client-auth', 'none'], { home: t.home });

  it.each(['valueOf', 'constructor'])('%s is never found unless saved, and then is an ordinary profile', async (name) => {
    expect((await runCli(['profile', 'show', name], { home: t.home })).code).toBe(2);
    expect((await runCli(['profile', 'use', name], { home: t.home })).code).toBe(2);
    expect((await add(name)).code).toBe(0);
    const shown = await runCli(['profile', 'show', name, '-o', 'json'], { home: t.home });
    expect(JSON.parse(shown.stdout)).toMatchObject({ client_id: 'x' });
  });

  it('__proto__ is an ordinary name: added, listed, shown, logged in, removed', async () => {
    const name = '__proto__';
    const show = await runCli(['profile', 'show', name], { home: t.home });
    expect(show.code).toBe(2); // never created: not found, whatever Object.prototype holds
    expect((await add(name)).code).toBe(0);
    const config = JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8')) as { profiles: Record<string, unknown> };
    expect(Object.hasOwn(config.profiles, name)).toBe(true);
    const list = await runCli(['profile', 'list', '-o', 'json'], { home: t.home });
    expect((JSON.parse(list.stdout) as { profiles: Array<{ name: string }> }).profiles.map((p) => p.name)).toEqual([name]);
    const shown = await runCli(['profile', 'show', name, '-o', 'json'], { home: t.home });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ client_id: 'x' });
    const login = await runCli(['login', '-p', name, '--grant', 'client_credentials', '--client-id', client().id, '--client-auth', 'client_secret_basic'], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: client().secret },
    });
    expect(login.code, login.stderr).toBe(0);
    const tokens = JSON.parse(readFileSync(join(t.home, 'tokens.json'), 'utf8')) as { profiles: Record<string, unknown> };
    expect(Object.keys(tokens.profiles)).toEqual([name]);
    expect((await runCli(['token', '-p', name], { home: t.home })).code).toBe(0);
    expect((await runCli(['profile', 'remove', name], { home: t.home })).code).toBe(0);
    expect((await runCli(['profile', 'show', name], { home: t.home })).code).toBe(2);
  });

  it.each([
    ['a shell expansion', '$(touch /tmp/oauthctl-pwned)'],
    ['a path', '../escape'],
    ['65 characters', 'a'.repeat(65)],
  ])('a config.json holding %s as a profile name is exit 2 naming it', async (_, name) => {
    writeFileSync(join(t.home, 'config.json'), JSON.stringify({ profiles: { [name]: { client_id: 'x' } } }), { mode: 0o600 });
    const before = readFileSync(join(t.home, 'config.json'), 'utf8');
    for (const args of [['profile', 'list'], ['token']]) {
      const res = await runCli(args, { home: t.home });
      expectOneLineError(res, 2);
      expect(res.stderr).toContain(`invalid profile name ${JSON.stringify(name)}`);
    }
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).toBe(before);
  });

  it.each(['../x', ''])('`profile add %j` is refused with exit 2', async (name) => {
    const res = await add(name);
    expectOneLineError(res, 2);
    expect(readdirSync(t.home)).not.toContain('config.json');
  });
});

describe('a wrongly typed tokens.json entry', () => {
  const entry = (tokens: Record<string, unknown>) =>
    JSON.stringify({ version: 1, profiles: { p: { tokens: { access_token: 'at', token_type: 'Bearer', obtained_at: 1_800_000_000, ...tokens } } } });

  it.each([
    ['expires_at as a string', { expires_at: 'tomorrow' }],
    ['expires_at as an object', { expires_at: { at: 1 } }],
    ['refresh_token as a number', { refresh_token: 42 }],
    ['obtained_at missing', { obtained_at: undefined }],
  ])('%s: the file is damaged — moved aside with one warning, then the documented exit code', async (_, tokens) => {
    writeFileSync(join(t.home, 'tokens.json'), entry(tokens), { mode: 0o600 });
    for (const args of [['token', '-p', 'p'], ['token', 'show', '-p', 'p', '-o', 'json']]) {
      const res = await runCli(args, { home: t.home });
      expect(res.code, res.stderr).toBe(5); // login required: nothing usable is stored
      expect(res.stderr).not.toMatch(/^\s+at /m);
      expect(res.stdout).toBe('');
    }
    const asides = readdirSync(t.home).filter((f) => f.startsWith('tokens.json.corrupt-'));
    expect(asides).toHaveLength(1);
    expect(readFileSync(join(t.home, asides[0]!), 'utf8')).toBe(entry(tokens));
  });
});

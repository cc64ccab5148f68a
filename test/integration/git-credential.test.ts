/**
 * `oauthctl git-credential` with the real `git` (gitcredentials(7)) against a loopback smart-HTTP
 * server (`git http-backend`) that accepts an access token the fixture's introspection calls
 * active as the HTTP Basic password.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { git, makeRepository, startGitServer, type GitServer } from '../support/git-http-server.js';
import { runProcess } from '../support/run-process.js';
import { BIN, runCli, useFixture } from './cli.js';
import { introspectAsServer, loginAlice, storedTokens, tokensFile } from './lifecycle-helpers.js';

const t = useFixture();
let server: GitServer;
let repoDir: string;

beforeAll(async () => {
  repoDir = makeRepository(mkdtempSync(join(tmpdir(), 'oauthctl-git-')));
  server = await startGitServer(repoDir, async (token) => {
    const info = await introspectAsServer(t.fixture, token);
    return info.active === true && info.token_type !== 'refresh_token';
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(repoDir, { recursive: true, force: true });
});

/** git configured with oauthctl as its only credential helper, for the test's home. */
function gitWithHelper(args: string[], home: string, cwd?: string) {
  const helper = `!"${process.execPath}" "${BIN}" git-credential`;
  return git(['-c', 'credential.helper=', '-c', `credential.helper=${helper}`, ...args], {
    ...(cwd ? { cwd } : {}),
    env: { OAUTHCTL_HOME: home, OAUTHCTL_TOKEN_STORE: 'file', NO_COLOR: '1', HOME: home },
  });
}

describe('git-credential with the real git', () => {
  it('ls-remote and clone succeed with the token; after revocation they fail until erase + a refreshed get', async () => {
    await loginAlice(t.fixture, t.home);
    const first = (await storedTokens(t.home)).access_token;

    const listed = await gitWithHelper(['ls-remote', server.repoUrl], t.home);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^[0-9a-f]{40}\tHEAD$/m);
    expect(server.passwordsSeen).toContain(first);

    const clone = join(t.home, 'clone');
    const cloned = await gitWithHelper(['clone', '-q', server.repoUrl, clone], t.home);
    expect(cloned.status).toBe(0);
    expect(readFileSync(join(clone, 'README'), 'utf8')).toBe('hello from the test repository\n');

    // The server stops accepting the token: git's helper gets `erase` for it, and git fails.
    expect(await t.fixture.revokeToken(first)).toBe(true);
    const refused = await gitWithHelper(['ls-remote', server.repoUrl], t.home);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|401/);
    const afterErase = JSON.parse(tokensFile(t.home)) as { profiles: { default: { tokens: { access_token: string; rejected?: boolean; refresh_token?: string } } } };
    expect(afterErase.profiles.default.tokens).toMatchObject({ access_token: first, rejected: true });
    expect(afterErase.profiles.default.tokens.refresh_token).toBeDefined();

    // The next get renews it with the refresh token, and git succeeds again.
    const again = await gitWithHelper(['ls-remote', server.repoUrl], t.home);
    expect(again.status).toBe(0);
    const renewed = (await storedTokens(t.home)).access_token;
    expect(renewed).not.toBe(first);
    expect(server.passwordsSeen.at(-1)).toBe(renewed);
  });

  it('without a token and without a terminal, git gets nothing from the helper and fails on its own', async () => {
    const res = await gitWithHelper(['ls-remote', server.repoUrl], t.home);
    expect(res.status).not.toBe(0);
    expect(res.stderr).not.toContain('oauthctl');
    expect(server.passwordsSeen.at(-1)).toBeUndefined();
  });
});

describe('git-credential protocol', () => {
  const get = (home: string, input: string, args: string[] = []) => runCli(['git-credential', 'get', ...args], { home, input });

  it('get answers username, password and password_expiry_utc; --username changes the user', async () => {
    await loginAlice(t.fixture, t.home);
    const stored = await storedTokens(t.home);
    const res = await get(t.home, 'protocol=https\nhost=git.example.com\npath=org/repo.git\nwwwauth[]=Basic realm="x"\n\n');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('username=oauth2');
    expect(lines[1]).toBe(`password=${stored.access_token}`);
    expect(lines[2]).toMatch(/^password_expiry_utc=\d{10}$/);
    expect(Number(lines[2]?.split('=')[1]) - Math.floor(Date.now() / 1000)).toBeCloseTo(stored.expires_in ?? 0, -2);
    expect((await get(t.home, 'protocol=https\nhost=h\n', ['--username', 'x-access-token'])).stdout).toMatch(/^username=x-access-token\n/);
  });

  it('no token, no terminal: no output, exit 0', async () => {
    const res = await get(t.home, 'protocol=https\nhost=git.example.com\n\n');
    expect(res).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('garbage in: no output, exit 0, nothing changed', async () => {
    await loginAlice(t.fixture, t.home);
    const before = tokensFile(t.home);
    const token = (await storedTokens(t.home)).access_token;
    for (const input of ['not a credential\n', `password=${token}\n\0\n`, '=x\n', '\u0000\u0001binary']) {
      for (const action of ['get', 'erase']) {
        const res = await runCli(['git-credential', action], { home: t.home, input });
        expect(res, `${action} ${JSON.stringify(input)}`).toMatchObject({ code: 0, stdout: '' });
      }
    }
    expect(tokensFile(t.home)).toBe(before);
  });

  it('store and unknown actions do nothing; erase with another password changes nothing', async () => {
    await loginAlice(t.fixture, t.home);
    const before = tokensFile(t.home);
    for (const action of ['store', 'frobnicate']) {
      expect(await runCli(['git-credential', action], { home: t.home, input: 'password=x\n' })).toMatchObject({ code: 0, stdout: '', stderr: '' });
    }
    expect(await runCli(['git-credential', 'erase'], { home: t.home, input: 'protocol=https\nhost=h\npassword=not-our-token\n' })).toMatchObject({ code: 0, stdout: '' });
    expect(tokensFile(t.home)).toBe(before);
  });

  it('never hands a token to a plain-http host that is not loopback', async () => {
    await loginAlice(t.fixture, t.home);
    const res = await get(t.home, 'protocol=http\nhost=git.example.com\n');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/plain http/);
  });
});

describe('git-credential get on a terminal', () => {
  /**
   * As git runs a helper when a person is there: the attributes on a pipe, the answer read from
   * a pipe (here a file), stderr the terminal (a pseudo-terminal from `script`).
   */
  async function getOnTerminal(home: string, env: Record<string, string> = {}) {
    const out = join(home, 'answer.txt');
    const cmd = `printf 'protocol=https\\nhost=git.example.com\\n\\n' | "${process.execPath}" "${BIN}" git-credential get -p web > "${out}"`;
    const res = await runProcess('script', ['-qec', cmd, '/dev/null'], {
      env: { ...process.env, OAUTHCTL_HOME: home, OAUTHCTL_TOKEN_STORE: 'file', NO_COLOR: '1', BROWSER: chromiumBrowserCommand(), ...env },
    });
    let answer = '';
    try {
      answer = readFileSync(out, 'utf8');
    } catch {
      // Nothing answered.
    }
    return { ...res, answer };
  }

  it('with no token it runs the profile\'s browser login, messages on the terminal, then answers', async () => {
    const add = await runCli(['profile', 'add', 'web', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid offline_access'], { home: t.home });
    expect(add.code).toBe(0);
    const res = await getOnTerminal(t.home);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/no token stored for profile 'web': logging in \(authorization code\) for git/);
    expect(res.stdout).toContain('Logged in as alice');
    const stored = await storedTokens(t.home, ['-p', 'web']);
    expect(res.answer).toBe(`username=oauth2\npassword=${stored.access_token}\npassword_expiry_utc=${res.answer.match(/password_expiry_utc=(\d+)/)?.[1]}\n`);
  }, 90_000);

  it('GIT_TERMINAL_PROMPT=0: no login, no answer, exit 0', async () => {
    await runCli(['profile', 'add', 'web', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id], { home: t.home });
    const res = await getOnTerminal(t.home, { GIT_TERMINAL_PROMPT: '0' });
    expect(res.status).toBe(0);
    expect(res.answer).toBe('');
    expect(res.stdout).not.toContain('logging in');
    expect(tokensFile(t.home)).toBe('');
  });
});

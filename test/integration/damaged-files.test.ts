/**
 * Damaged and contended files in the oauthctl home, through the built CLI (SPEC "Damaged files",
 * "Token store"): a config.json that does not parse is exit 2 naming the file and the position and
 * is never rewritten; a tokens.json that does not parse is moved aside with one warning and a fresh
 * store starts; concurrent logins lose nothing; a process killed mid-write leaves the old or the
 * new tokens.json, never a torn one.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, useFixture, type CliResult } from './cli.js';

const t = useFixture();

const client = () => t.fixture.clients.confidentialBasic;
const env = () => ({ OAUTHCTL_CLIENT_SECRET: client().secret });

function ccLogin(profile: string): string[] {
  return [
    'login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', client().id,
    '--scope', 'people:read', '--token-store', 'file', '-p', profile,
  ];
}

/** The atomic writer's temp file (src/store/atomic.ts): `.tokens.json.<pid>.<random>.tmp`. */
const TEMP_FILE = /^\.tokens\.json\..*\.tmp$/;
const tokensPath = () => join(t.home, 'tokens.json');
const lockPath = () => join(t.home, 'tokens.json.lock');
const configPath = () => join(t.home, 'config.json');

interface TokensDoc {
  version: number;
  profiles: Record<string, { tokens?: { access_token: string } }>;
}

function readTokens(): TokensDoc {
  return JSON.parse(readFileSync(tokensPath(), 'utf8')) as TokensDoc;
}

function stderrLines(res: CliResult): string[] {
  return res.stderr.split('\n').filter((l) => l !== '');
}

function expectNoStack(res: CliResult): void {
  expect(res.stderr).not.toMatch(/^\s+at /m);
}

describe('a damaged config.json', () => {
  interface ConfigCase {
    name: string;
    text: string;
    /** What the error line must say after the file's path. */
    says: RegExp;
  }
  const profile = (issuer: string) => `    "dev": {\n      "issuer": "${issuer}",\n      "client_id": "x"\n    }`;
  const CASES: ConfigCase[] = [
    {
      name: 'a trailing comma',
      text: `{\n  "current": "dev",\n  "profiles": {\n${profile('http://127.0.0.1:1')},\n  }\n}\n`,
      says: / is not valid JSON \(line 8, column 3: unexpected "}"\)/,
    },
    {
      name: 'truncated',
      text: `{\n  "current": "dev",\n  "profiles": {\n    "dev": {\n      "issuer": "http://127.0`,
      says: / is not valid JSON \(line 5, column \d+: unexpected end of file\)/,
    },
    {
      name: 'an empty file',
      text: '',
      says: / is not valid JSON \(line 1, column 1: unexpected end of file\)/,
    },
    {
      name: 'not an object (an array)',
      text: '[\n  "dev"\n]\n',
      says: /: expected a JSON object/,
    },
    {
      name: 'profiles not an object',
      text: '{\n  "profiles": "dev"\n}\n',
      says: /: "profiles" must be an object/,
    },
    {
      name: 'a profile with a bad URL',
      text: `{\n  "current": "dev",\n  "profiles": {\n${profile('not a url')}\n  }\n}\n`,
      says: /: profile "dev": issuer is not a valid URL/,
    },
  ];

  it.each(CASES)('$name → exit 2 naming the file and what is wrong; never rewritten', async ({ text, says }) => {
    writeFileSync(configPath(), text, { mode: 0o600 });
    const mtime = statSync(configPath()).mtimeMs;
    const filesBefore = readdirSync(t.home).sort();

    const commands: string[][] = [
      ['token'],
      ['login'],
      ccLogin('ci'),
      ['profile', 'list'],
      // Commands that write config.json must refuse too, not "repair" it.
      ['profile', 'add', 'new', '--issuer', t.fixture.issuer, '--client-id', 'x', '--client-auth', 'none'],
      ['profile', 'use', 'dev'],
    ];
    for (const args of commands) {
      const res = await runCli(args, { home: t.home, env: env() });
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2);
      const lines = stderrLines(res);
      expect(lines.length, res.stderr).toBeLessThanOrEqual(2);
      expect(lines[0]).toContain(`oauthctl: ${configPath()}`);
      expect(lines[0]).toMatch(says);
      expectNoStack(res);
    }

    expect(readFileSync(configPath(), 'utf8')).toBe(text);
    expect(statSync(configPath()).mtimeMs).toBe(mtime);
    expect(readdirSync(t.home).sort()).toEqual(filesBefore);
  });
});

describe('a damaged tokens.json', () => {
  const DAMAGE = [
    { name: 'truncated JSON', text: '{\n  "version": 1,\n  "profiles": {\n    "old": {\n      "access_token": "abc' },
    { name: 'binary garbage', text: '\u0000\u0001\u00ffPK\u0003\u0004 not a token file' },
    { name: 'JSON of another shape', text: '{"version": 99, "tokens": []}\n' },
  ];

  it.each(DAMAGE)('$name: moved aside (0600, bytes kept) with one warning; a fresh store; login works', async ({ text }) => {
    writeFileSync(tokensPath(), text, { mode: 0o644 });

    const res = await runCli(ccLogin('fresh'), { home: t.home, env: env() });
    expect(res.code, res.stderr).toBe(0);
    expectNoStack(res);

    const asides = readdirSync(t.home).filter((f) => f.startsWith('tokens.json.'));
    expect(asides).toHaveLength(1);
    const aside = join(t.home, asides[0] as string);
    expect(asides[0]).toMatch(/^tokens\.json\.corrupt-/);
    expect(readFileSync(aside, 'utf8')).toBe(text);
    expect(statSync(aside).mode & 0o777).toBe(0o600);

    const warnings = stderrLines(res).filter((l) => l.includes(aside));
    expect(warnings, res.stderr).toHaveLength(1);
    expect(warnings[0]).toContain(tokensPath());
    expect(stderrLines(res).filter((l) => /damaged|corrupt/i.test(l))).toHaveLength(1);

    expect(Object.keys(readTokens().profiles)).toEqual(['fresh']);
    expect(statSync(tokensPath()).mode & 0o777).toBe(0o600);

    // Repaired once: the next commands neither warn nor move anything.
    const token = await runCli(['token', '-p', 'fresh'], { home: t.home });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stderr).toBe('');
    expect(readdirSync(t.home).filter((f) => f.startsWith('tokens.json.'))).toHaveLength(1);
  });

  it('a read-only command (`token`) repairs it too: one warning, then exit 5 (nothing stored)', async () => {
    const text = '{"version": 1, "profiles": {';
    writeFileSync(tokensPath(), text, { mode: 0o600 });
    const res = await runCli(['token'], { home: t.home });
    expect(res.code, res.stderr).toBe(5);
    expect(res.stdout).toBe('');
    const lines = stderrLines(res);
    expect(lines.filter((l) => l.includes('tokens.json.corrupt-'))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith('hint: run `oauthctl login`'))).toBe(true);
    const asides = readdirSync(t.home).filter((f) => f.startsWith('tokens.json.corrupt-'));
    expect(asides).toHaveLength(1);
    expect(readFileSync(join(t.home, asides[0] as string), 'utf8')).toBe(text);
  });
});

describe('contended tokens.json', () => {
  it('10 concurrent `login -p pN` processes on the file store: all 10 profiles are kept', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const results = await Promise.all(names.map((p) => runCli(ccLogin(p), { home: t.home, env: env(), timeoutMs: 60_000 })));
    results.forEach((res, i) => expect(res.code, `${names[i]}: ${res.stderr}`).toBe(0));

    const doc = readTokens();
    expect(Object.keys(doc.profiles).sort()).toEqual([...names].sort());
    const tokens = new Set(Object.values(doc.profiles).map((e) => e.tokens?.access_token));
    expect(tokens.size).toBe(10);
    // Nothing left behind: no lock, no temp file, nothing moved aside.
    expect(readdirSync(t.home).filter((f) => f !== 'tokens.json' && f !== 'locks')).toEqual([]);
  }, 90_000);

  it('SIGKILL at varied moments of a login leaves the old or the new tokens.json, never a torn one', async () => {
    const PROFILE = 'same';
    const ATTEMPTS = 30;
    // The "old" file: one complete login. Its duration scales the kill moments.
    const started = Date.now();
    const first = await runCli(ccLogin(PROFILE), { home: t.home, env: env() });
    const duration = Date.now() - started;
    expect(first.code, first.stderr).toBe(0);
    const seen = new Set([readTokens().profiles[PROFILE]?.tokens?.access_token]);

    let killedMidWrite = 0;
    let killed = 0;
    let completed = 0;
    let maxTempFiles = 0;
    let slow = 0;
    let locksLeft = 0;
    for (let i = 0; i < ATTEMPTS; i++) {
      const t0 = Date.now();
      const cli = startCli(ccLogin(PROFILE), { home: t.home, env: env(), timeoutMs: 60_000 });
      cli.child.stdin.end();
      let sawTemp = false;
      if (i % 2 === 0) {
        // At a random moment of the whole run.
        await Promise.race([sleep(duration * (0.2 + Math.random())), cli.done]);
        cli.child.kill('SIGKILL');
      } else {
        // Right in the write: as soon as the temp file appears, plus 0-4 ms.
        const watcher = watch(t.home, (_event, name) => {
          if (name !== null && TEMP_FILE.test(name)) {
            watcher.close();
            sawTemp = true;
            setTimeout(() => cli.child.kill('SIGKILL'), Math.floor(Math.random() * 5));
          }
        });
        await Promise.race([cli.done, sleep(20_000)]);
        watcher.close();
        cli.child.kill('SIGKILL');
      }
      const res = await cli.done;
      if (Date.now() - t0 > 3000) slow++;
      // A process killed while holding the store lock leaves it behind; the next one waits for it
      // to go stale (10 s). Clear it (its holder is dead) except after the last attempt, which the
      // final login below then has to take over.
      if (existsSync(lockPath())) {
        locksLeft++;
        if (i < ATTEMPTS - 1) rmSync(lockPath(), { recursive: true, force: true });
      }
      if (res.signal === 'SIGKILL') {
        killed++;
        if (sawTemp) killedMidWrite++;
      } else {
        expect(res.code, res.stderr).toBe(0);
        completed++;
      }

      // Old or new: always a whole file holding the profile with some access token.
      expect(existsSync(tokensPath()), `attempt ${i}`).toBe(true);
      const doc = readTokens();
      expect(doc.version).toBe(1);
      const entry = doc.profiles[PROFILE];
      expect(entry?.tokens?.access_token, `attempt ${i}`).toBeTypeOf('string');
      seen.add(entry?.tokens?.access_token);

      const files = readdirSync(t.home);
      expect(files.filter((f) => f.startsWith('tokens.json.corrupt-')), `attempt ${i}: a temp file was taken for the store`).toEqual([]);
      maxTempFiles = Math.max(maxTempFiles, files.filter((f) => TEMP_FILE.test(f)).length);
    }

    // Leftover temp files and a killed holder's lock do not get in the way of the next command,
    // and the temp files (they may hold whole token sets) are removed by it.
    const after = await runCli(ccLogin(PROFILE), { home: t.home, env: env(), timeoutMs: 60_000 });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).not.toMatch(/damaged|corrupt/i);
    const token = await runCli(['token', '-p', PROFILE], { home: t.home });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim()).toBe(readTokens().profiles[PROFILE]?.tokens?.access_token);

    const leftovers = readdirSync(t.home).filter((f) => TEMP_FILE.test(f));
    console.info(
      `kill loop: ${killed} killed (${killedMidWrite} once the temp file existed), ${completed} completed before the kill, ${seen.size} distinct tokens seen; ` +
        `temp files left behind: ${leftovers.length} (max ${maxTempFiles} during the loop); ` +
        `${locksLeft} kills left the store lock behind; ${slow} attempts took over 3 s`,
    );
    expect(killedMidWrite).toBeGreaterThan(0);
    // The next write under the lock sweeps the temp files of writers that were killed.
    expect(leftovers).toEqual([]);
  }, 240_000);
});

/**
 * Colour is decided per stream, from that stream (SPEC "Output": colours only on a TTY), on a
 * real pseudo-terminal: util-linux `script` runs the built CLI with stdin, stdout and stderr on
 * a pty, and the inner shell redirects one of them to a file. What reached the terminal is what
 * `script` prints. The other integration tests set NO_COLOR=1, which would hide all of this.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RFC7519_JWT } from '../support/examples.js';
import { BIN, tempHome } from './cli.js';

const ESC = '\u001b';
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

// Needs util-linux `script` for a pseudo-terminal: skipped only off CI where it is missing.
describe.skipIf(!hasScript && !process.env.CI)('colour per stream, on a pseudo-terminal (built CLI)', () => {
  let home: string;
  let cleanup: () => void;
  beforeAll(() => ({ home, cleanup } = tempHome()));
  afterAll(() => cleanup?.());

  /** Runs `oauthctl ARGS REDIRECT` in a shell on a pty; returns what the terminal received. */
  function onTerminal(args: string[], redirect: string, env: Record<string, string> = {}): string {
    const line = `${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')} ${redirect}`;
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OAUTHCTL_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') base[k] = v;
    const res = spawnSync('script', ['-qec', line, '/dev/null'], {
      env: { ...base, TERM: 'xterm', OAUTHCTL_HOME: home, OAUTHCTL_TOKEN_STORE: 'file', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status, res.stderr).toBe(0);
    return res.stdout;
  }

  it('`decode JWT > file` on a terminal: no escape code in the file; stderr on the terminal is still coloured', () => {
    const file = join(home, 'out.txt');
    // --insecure makes decode say one warning on stderr, in yellow on a terminal.
    const terminal = onTerminal(['decode', '--insecure', RFC7519_JWT], `> ${sh(file)}`);
    const out = readFileSync(file, 'utf8');
    expect(out).toContain('"iss": "joe"');
    expect(out).toContain('Header');
    expect(out).not.toContain(ESC);
    expect(terminal).toContain(`${ESC}[33mwarning:${ESC}[39m`);
    expect(terminal).not.toContain('"iss"');
  });

  it('stdout on the terminal is coloured while stderr goes to a file, which stays plain', () => {
    const file = join(home, 'err.txt');
    const terminal = onTerminal(['decode', '--insecure', RFC7519_JWT], `2> ${sh(file)}`);
    expect(terminal).toContain(`${ESC}[1mHeader${ESC}[22m`);
    const err = readFileSync(file, 'utf8');
    expect(err).toContain('warning: --insecure');
    expect(err).not.toContain(ESC);
  });

  it('NO_COLOR and --no-color win on a terminal', () => {
    for (const [args, env] of [
      [['decode', '--insecure', RFC7519_JWT], { NO_COLOR: '1' }],
      [['decode', '--insecure', '--no-color', RFC7519_JWT], {}],
    ] as const) {
      const terminal = onTerminal([...args], '', env);
      expect(terminal).toContain('Header');
      expect(terminal).toContain('warning:');
      expect(terminal).not.toContain(ESC);
    }
  });
});

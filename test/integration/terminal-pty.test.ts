/**
 * SPEC "Safety" → Terminals on a real terminal: tmux runs the built CLI on a pseudo-terminal, with
 * `set-clipboard on`, so an OSC 52 sequence that reached it raw would land in a tmux paste buffer
 * (try `printf '\033]52;c;ZXZpbA==\a'` in the same pane: buffer0 says "evil"). A hostile token's
 * header, payload and `alg` must show up escaped in the pane, set no buffer, and leave our own
 * colours working (stdout and stderr are the terminal, and NO_COLOR is not set).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempHome } from './cli.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const OSC52 = '\u001b]52;c;ZXZpbA==\u0007';

// Needs tmux for a real terminal: skipped only off CI where it is missing (.ci/run installs it).
describe.skipIf(!hasTmux && !process.env.CI)('hostile text on a real terminal (tmux, built CLI)', () => {
  let home: string;
  let cleanup: () => void;
  const socket = `oauthctl-test-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 20_000 });
  beforeAll(() => ({ home, cleanup } = tempHome()));
  afterAll(() => {
    tmux('kill-server');
    cleanup?.();
  });

  /** Runs the command lines one after the other in a tmux pane; returns the pane (with its SGR) and tmux's paste buffers. */
  function inTmux(lines: string[][]): { pane: string; buffers: string } {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OAUTHCTL_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v;
    Object.assign(env, { TERM: 'xterm-256color', OAUTHCTL_HOME: home, OAUTHCTL_TOKEN_STORE: 'file' });
    const run = lines.map((args) => `${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}`).join('; ');
    // The pane waits for `go` (set-clipboard is on by then) and says `done` when the CLI is through.
    const script = `tmux -L ${socket} wait-for go; ${run}; tmux -L ${socket} wait-for -S done; exec sleep 600`;
    const started = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'safety', '-x', '250', '-y', '60', script], { env, encoding: 'utf8' });
    expect(started.status, started.stderr).toBe(0);
    expect(tmux('set-option', '-g', 'set-clipboard', 'on').status).toBe(0);
    expect(tmux('wait-for', '-S', 'go').status).toBe(0);
    expect(tmux('wait-for', 'done').status).toBe(0);
    const pane = tmux('capture-pane', '-p', '-e', '-J', '-t', 'safety', '-S', '-').stdout;
    const buffers = tmux('list-buffers').stdout;
    tmux('kill-session', '-t', 'safety');
    return { pane, buffers };
  }

  it('decode and verify: escaped in the pane, nothing in the clipboard, our colours intact', () => {
    const token = `${b64url(JSON.stringify({ alg: `RS256${OSC52}`, typ: 'JWT' }))}.${b64url(`payload${OSC52}\u009b2J`)}.c2ln`;
    const { pane, buffers } = inTmux([
      ['decode', token],
      ['verify', '--jwks-uri', 'http://127.0.0.1:9/jwks', token],
    ]);
    expect(buffers).toBe('');
    expect(pane).toContain('"alg": "RS256\\u001b]52;c;ZXZpbA==\\u0007"');
    expect(pane).toContain('payload\\u001b]52;c;ZXZpbA==\\u0007\\u009b2J');
    expect(pane).toContain('oauthctl: token is not valid: algorithm RS256\\u001b]52;c;ZXZpbA==\\u0007 is not allowed');
    // Our own styles still reach the terminal (capture-pane -e shows them as SGR sequences).
    expect(pane).toMatch(/\u001b\[1mHeader/);
  });
});

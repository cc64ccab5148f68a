/**
 * A real terminal for CLI integration tests: tmux runs the BUILT CLI in a pseudo-terminal (stdin,
 * stdout and stderr are TTYs, so prompts draw and interactive paths are taken); the test types
 * with `send-keys` and reads the screen with `capture-pane`. The fixture keeps answering in the
 * test's process while the test awaits. Kill every Terminal you start (`kill()` in `finally`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { BIN } from '../integration/cli.js';

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

export const HAVE_TMUX = tmuxAvailable();
if (!HAVE_TMUX && process.env.CI) {
  throw new Error('the terminal tests need tmux to drive the CLI in a real terminal; install tmux on the CI machine');
}

/** Single-quotes a value for the shell tmux runs the command with. */
function sh(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One CLI run inside a detached tmux session. */
export class Terminal {
  private static count = 0;
  readonly name = `oauthctl-term-${process.pid}-${Date.now()}-${Terminal.count++}`;

  constructor(args: string[], env: Record<string, string>) {
    const vars = Object.entries({ NO_COLOR: '1', OAUTHCTL_TOKEN_STORE: 'file', ...env })
      .map(([k, v]) => `${k}=${sh(v)}`)
      .join(' ');
    // `env -u` drops whatever OAUTHCTL_* the tmux server or the caller may carry.
    const unset = ['OAUTHCTL_ISSUER', 'OAUTHCTL_CLIENT_ID', 'OAUTHCTL_CLIENT_SECRET', 'OAUTHCTL_PROFILE'].map((k) => `-u ${k}`).join(' ');
    const command = `env ${unset} ${vars} ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}; echo EXIT=$?; sleep 30`;
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '160', '-y', '40', command]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-J', '-t', this.name], { encoding: 'utf8' });
  }

  /** Waits (bounded, without blocking the fixture) until the screen matches; returns the screen. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.screen();
      if (pattern.test(screen)) return screen;
      await sleep(100);
    }
    throw new Error(`${pattern} did not appear on the terminal within ${timeoutMs} ms; the screen:\n${screen}`);
  }

  /** Types text literally (no key names interpreted). */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  async answer(prompt: RegExp, text: string): Promise<void> {
    await this.waitFor(prompt);
    this.type(text);
    this.keys('Enter');
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
  }
}


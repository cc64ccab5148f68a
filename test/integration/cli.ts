import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startFixture, type Fixture, type FixtureOptions } from '../fixtures/server.js';

export const BIN = fileURLToPath(new URL('../../bin/oauthctl.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  home: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs the built CLI as a user would: a real process, a private OAUTHCTL_HOME, the file store
 * unless a test says otherwise, no colours, and none of the caller's OAUTHCTL_* variables.
 */
export function runCli(args: string[], opts: CliOptions): Promise<CliResult> {
  const cli = startCli(args, opts);
  cli.child.stdin.end(opts.input ?? '');
  return cli.done;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first match of `pattern` in stderr so far or to come (bounded wait). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

/** Starts the CLI and lets the test talk to it while it runs (stdin stays open). */
export function startCli(args: string[], opts: CliOptions): RunningCli {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('OAUTHCTL_') && !/_proxy$/i.test(k)) env[k] = v;
  }
  Object.assign(env, { OAUTHCTL_HOME: opts.home, OAUTHCTL_TOKEN_STORE: 'file', NO_COLOR: '1' });
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  // A CLI that exits before reading its stdin (help, usage errors) closes the pipe: writing the
  // test's input then fails with EPIPE, which is not the test's concern.
  child.stdin.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of waiters) w();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of waiters) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const waitForStderr = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stderr.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          reject(new Error(`CLI ended before ${pattern} appeared on stderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${pattern} did not appear on stderr within ${timeoutMs} ms:\n${stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { child, waitForStderr, done };
}

/** A fresh home directory; remove it with the returned function. */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'oauthctl-test-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/**
 * One fixture for the test file and a fresh home for each test, both cleaned up:
 * `const t = useFixture(); … t.fixture.issuer, t.home`.
 */
export function useFixture(options?: FixtureOptions): { fixture: Fixture; home: string } {
  const ctx = {} as { fixture: Fixture; home: string };
  let cleanup = () => {};
  beforeAll(async () => {
    ctx.fixture = await startFixture(options);
  });
  afterAll(async () => {
    await ctx.fixture?.close();
  });
  beforeEach(() => {
    ({ home: ctx.home, cleanup } = tempHome());
  });
  afterEach(() => cleanup());
  return ctx;
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

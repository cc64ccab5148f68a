import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface ChildSpec {
  command: string;
  args: readonly string[];
  /** The child's whole environment. */
  env: Record<string, string>;
  /** Takes SIGINT/SIGTERM/SIGHUP over while the child runs; returns the release function. */
  trapSignals: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

/** How the child ended: its exit code (128+N for signal N), or why it could not start. */
export type ChildResult = { code: number } | { notFound: true } | { cannotRun: string };

/**
 * Runs a program with the standard streams inherited (no shell), passes SIGINT, SIGTERM and SIGHUP
 * on to it, and waits for it. Exit code as shells report it: the child's own, or 128+N when signal
 * N ended it.
 */
export function runChild(spec: ChildSpec): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(spec.command, [...spec.args], { stdio: 'inherit', env: spec.env, shell: false });
    const release = spec.trapSignals((signal) => {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      release();
      if (err.code === 'ENOENT') resolve({ notFound: true });
      else resolve({ cannotRun: err.code === 'EACCES' ? 'permission denied' : (err.code ?? err.message) });
    });
    child.once('exit', (code, signal) => {
      release();
      resolve({ code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0) });
    });
  });
}

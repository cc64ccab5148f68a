import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';

/**
 * The only place that knows about terminals: streams, whether each is a TTY, colour, and
 * whether we may prompt. Commands and use cases receive an IO; tests build one from buffers.
 */
export interface IO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colours on stderr/stdout: only on a TTY, never with NO_COLOR or --no-color. */
  color: boolean;
  /** stdin and stderr are TTYs: prompts (written to stderr) can be answered. */
  canPrompt: boolean;
}

export function processIO(proc: NodeJS.Process, opts: { color: boolean }): IO {
  // isatty() instead of process.stdin.isTTY: touching process.stdin creates its stream (and loads
  // the socket machinery), which a command that never reads stdin should not pay for.
  const stdinIsTTY = isatty(0);
  const stdoutIsTTY = isatty(1);
  const stderrIsTTY = isatty(2);
  const noColor = proc.env.NO_COLOR !== undefined && proc.env.NO_COLOR !== '';
  return {
    get stdin() {
      return proc.stdin;
    },
    stdout: proc.stdout,
    stderr: proc.stderr,
    stdinIsTTY,
    stdoutIsTTY,
    stderrIsTTY,
    color: opts.color && !noColor && stderrIsTTY,
    canPrompt: stdinIsTTY && stderrIsTTY,
  };
}

/** Reads all of stdin as text (for `-`, `--…-stdin`). */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** SPEC: secrets read with `--…-stdin` lose one trailing newline. */
export function stripOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

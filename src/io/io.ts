import { fstatSync, readSync, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { forPerson } from './terminal.js';

/**
 * The only place that knows about terminals: streams, whether each is a TTY, colour, and
 * whether we may prompt. Commands and use cases receive an IO; tests build one from buffers.
 */
export interface IO {
  stdin: Readable;
  /** stdout as a stream, for data written unchanged (`call` streams its body). */
  stdout: Writable;
  /** stderr as a stream, for our own terminal controls (a spinner's carriage return). */
  stderr: Writable;
  /**
   * Writes text for a person to stdout now: the answer of most commands. Goes through the terminal
   * boundary (`forPerson`): controls escaped, the theme's colours kept.
   */
  print(text: string): void;
  /** The same, on stderr: messages, warnings, errors, traces. */
  printErr(text: string): void;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colours on stdout: only when stdout itself is a TTY, never with NO_COLOR or --no-color. */
  stdoutColor: boolean;
  /** Colours on stderr: only when stderr itself is a TTY, never with NO_COLOR or --no-color. */
  stderrColor: boolean;
  /** stdin and stderr are TTYs: prompts (written to stderr) can be answered. */
  canPrompt: boolean;
  /**
   * All of stdin, read without creating the stream, when it is a pipe or a file (a credential
   * helper reads a few lines on every git command); undefined otherwise: use `stdin`.
   */
  readStdinSync?(): string | undefined;
}

/**
 * The process's stdout, shared by every IO of a run. When stdout is a pipe or a file (a script:
 * `$(oauthctl token)`), `print` writes with fs.writeSync until the stream is needed: creating
 * `process.stdout` loads Node's socket and stream machinery, a few milliseconds that `oauthctl
 * token` should not pay (README "Speed"). Once the stream exists (or a write would block: EAGAIN),
 * everything goes through it, in order. A terminal always gets the stream, which knows terminals
 * (Windows consoles want UTF-16).
 */
export interface ProcessStdout {
  print(text: string): void;
  readonly stream: Writable;
  /** Resolves once what was written has been handed to the OS. */
  flush(): Promise<void>;
}

/** Descriptor 1 itself, below the stream. */
export interface StdoutDescriptor {
  /** Writes what it can (fs.writeSync); the number of bytes written. */
  write(data: Uint8Array): number;
  /** A pipe or a file; not a terminal (nor any other character device, such as /dev/null). */
  isPipeOrFile(): boolean;
}

const DESCRIPTOR_1: StdoutDescriptor = {
  write: (data) => writeSync(1, data),
  isPipeOrFile: () => !isCharacterDevice(1),
};

export function processStdout(
  proc: { readonly stdout: Writable },
  onError: (err: NodeJS.ErrnoException) => void,
  fd: StdoutDescriptor = DESCRIPTOR_1,
): ProcessStdout {
  let stream: Writable | undefined;
  const getStream = (): Writable => {
    if (!stream) {
      stream = proc.stdout;
      stream.on('error', onError);
    }
    return stream;
  };
  const direct = lazy(() => fd.isPipeOrFile());
  return {
    print(text) {
      if (stream || !direct()) {
        getStream().write(text);
        return;
      }
      let rest = Buffer.from(text);
      try {
        while (rest.length > 0) rest = rest.subarray(fd.write(rest));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') onError(err as NodeJS.ErrnoException);
        else getStream().write(rest); // EAGAIN (a non-blocking pipe that is full) and the rest: the stream copes or reports
      }
    },
    get stream() {
      return getStream();
    },
    flush: () => (stream ? new Promise<void>((resolve) => stream?.write('', () => resolve())) : Promise.resolve()),
  };
}

export function processIO(proc: NodeJS.Process, stdout: ProcessStdout, opts: { color: boolean }): IO {
  const noColor = proc.env.NO_COLOR !== undefined && proc.env.NO_COLOR !== '';
  const stdinIsTTY = lazy(() => isTTY(0));
  const stdoutIsTTY = lazy(() => isTTY(1));
  const stderrIsTTY = lazy(() => isTTY(2));
  const stdoutColor = () => opts.color && !noColor && stdoutIsTTY();
  const stderrColor = () => opts.color && !noColor && stderrIsTTY();
  // Getters: a stream is created, and a descriptor examined, only when a command asks.
  return {
    get stdin() {
      return proc.stdin;
    },
    get stdout() {
      return stdout.stream;
    },
    get stderr() {
      return proc.stderr;
    },
    print: (text) => stdout.print(forPerson(text, stdoutColor)),
    printErr: (text) => void proc.stderr.write(forPerson(text, stderrColor)),
    get stdinIsTTY() {
      return stdinIsTTY();
    },
    get stdoutIsTTY() {
      return stdoutIsTTY();
    },
    get stderrIsTTY() {
      return stderrIsTTY();
    },
    // Each stream's own TTY decides (`oauthctl decode JWT > file` on a terminal: a plain file).
    get stdoutColor() {
      return stdoutColor();
    },
    get stderrColor() {
      return stderrColor();
    },
    get canPrompt() {
      return stdinIsTTY() && stderrIsTTY();
    },
    readStdinSync: () => (isCharacterDevice(0) ? undefined : readDescriptorSync(0)),
  };
}

/** Reads a pipe or file descriptor to its end; a non-blocking pipe that is empty for now is waited on. */
function readDescriptorSync(fd: number): string | undefined {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === 'EOF') break;
      if (chunks.length === 0) return undefined;
      throw err;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether a descriptor is a terminal. A terminal is a character device, so a pipe or a file (every
 * script) is answered by one fstat; only a character device (a terminal, or /dev/null) needs
 * node:tty's isatty, which loads the socket machinery.
 */
function isTTY(fd: number): boolean {
  return isCharacterDevice(fd) && process.getBuiltinModule('node:tty').isatty(fd);
}

/** False for a pipe, a file, a socket, and a closed descriptor. */
function isCharacterDevice(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

function lazy<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
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

/** An IO over given streams, none of them a terminal (tests, embedding): the same boundary. */
export function streamsIO(streams: { stdin: Readable; stdout: Writable; stderr: Writable }): IO {
  const never = () => false;
  return {
    ...streams,
    print: (text) => void streams.stdout.write(forPerson(text, never)),
    printErr: (text) => void streams.stderr.write(forPerson(text, never)),
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdoutColor: false,
    stderrColor: false,
    canPrompt: false,
  };
}

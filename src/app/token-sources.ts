/**
 * Token sources (SPEC "More grants"): where a token given on the command line comes from. This is
 * the subset `register --initial-access-token` needs — the token itself, `-` (one line of stdin),
 * `@FILE` (read at each use), `env:NAME` — shaped so that `profile:NAME` and `github-actions`
 * can join as further kinds. Reading stdin and files is the caller's (injected `readers`).
 */
import { UsageError } from '../errors.js';

export type TokenSource =
  | { kind: 'literal'; value: string }
  | { kind: 'stdin' }
  | { kind: 'file'; path: string }
  | { kind: 'env'; name: string };

export interface TokenSourceReaders {
  /** All of stdin as text. */
  stdin(): Promise<string>;
  readFile(path: string): Promise<string>;
  env: Record<string, string | undefined>;
}

/** `what` names the option in messages, e.g. `--initial-access-token`. */
export function parseTokenSource(src: string, what: string): TokenSource {
  if (src === '') throw new UsageError(`${what}: empty token source`);
  if (src === '-') return { kind: 'stdin' };
  if (src.startsWith('@')) {
    if (src.length === 1) throw new UsageError(`${what}: '@' needs a file name`);
    return { kind: 'file', path: src.slice(1) };
  }
  if (src.startsWith('env:')) {
    const name = src.slice(4);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`${what}: '${name}' is not an environment variable name`);
    return { kind: 'env', name };
  }
  return { kind: 'literal', value: src };
}

/** The token, trimmed of surrounding white space (a file or a line of stdin ends in a newline). */
export async function readTokenSource(source: TokenSource, what: string, readers: TokenSourceReaders): Promise<string> {
  let value: string;
  switch (source.kind) {
    case 'literal':
      value = source.value;
      break;
    case 'stdin':
      value = (await readers.stdin()).split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
      break;
    case 'file':
      try {
        value = await readers.readFile(source.path);
      } catch (err) {
        throw new UsageError(`${what}: cannot read ${source.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      break;
    case 'env':
      value = readers.env[source.name] ?? '';
      if (value === '') throw new UsageError(`${what}: the environment variable ${source.name} is not set`);
      break;
  }
  value = value.trim();
  if (value === '') throw new UsageError(`${what}: the token is empty`);
  return value;
}

/**
 * Token sources as descriptions (SPEC "More grants"): what `SRC` says, parsed without reading
 * anything. Pure and small, so that code deciding whether a grant can run again (`status`,
 * renewal) does not load the readers in ./token-sources.ts (HTTP, GitHub Actions, discovery).
 */
import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { assertProfileName } from '../store/profile-name.js';

export type TokenSource =
  | { kind: 'literal'; value: string }
  | { kind: 'stdin' }
  | { kind: 'file'; path: string }
  | { kind: 'env'; name: string }
  | { kind: 'profile'; profile: string; token: 'access_token' | 'id_token' }
  | { kind: 'github-actions' };

/** What reading a source needs from the outside world (built by the CLI). */
export interface TokenSourceIO {
  env: Record<string, string | undefined>;
  /** Rejects with a Node error (`code`: ENOENT, EACCES, …). */
  readFile(path: string): Promise<string>;
  /** One line of stdin, without its newline; read once per process. */
  readStdinLine(): Promise<string>;
  /** A profile as saved in config.json. */
  savedProfile(name: string): Promise<Profile | undefined>;
}

/** How a token is named in messages. */
export type SourceRole = 'subject token' | 'actor token' | 'assertion' | 'initial access token';

/**
 * Parses `SRC`. `what` (a field or flag name) prefixes the message of a malformed one: empty, `@`
 * without a file, `env:` without a variable name, `profile:` with a bad name or `#` part. The
 * message never quotes a literal token.
 */
export function parseTokenSource(text: string, what = 'token source'): TokenSource {
  const bad = (why: string) => new UsageError(`${what}: ${why}`, { code: 'invalid_token_source' });
  if (text === '') throw bad('empty token source');
  if (text === '-') return { kind: 'stdin' };
  if (text === 'github-actions') return { kind: 'github-actions' };
  if (text.startsWith('@')) {
    if (text.length === 1) throw bad("'@' needs a file name");
    return { kind: 'file', path: text.slice(1) };
  }
  if (text.startsWith('env:')) {
    const name = text.slice(4);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw bad(`'${name}' is not an environment variable name`);
    return { kind: 'env', name };
  }
  if (text.startsWith('profile:')) {
    const [name = '', fragment] = text.slice('profile:'.length).split('#', 2);
    if (fragment !== undefined && fragment !== 'id_token' && fragment !== 'access_token') throw bad(`'${text}': after # comes id_token or access_token`);
    return { kind: 'profile', profile: assertProfileName(name), token: fragment === 'id_token' ? 'id_token' : 'access_token' };
  }
  return { kind: 'literal', value: text };
}

/** A source that can be read again later without the user: renewal may run the grant again. */
export function isRereadable(source: TokenSource): boolean {
  return source.kind !== 'literal' && source.kind !== 'stdin';
}

/** The short token type a source gives by default (RFC 8693 §3): ID tokens from CI and `#id_token`. */
export function defaultTokenType(source: TokenSource): 'access_token' | 'id_token' {
  if (source.kind === 'github-actions') return 'id_token';
  if (source.kind === 'profile') return source.token;
  return 'access_token';
}

/** A description fit for messages: never the token itself. */
export function describeSource(source: TokenSource): string {
  switch (source.kind) {
    case 'literal':
      return 'the token given';
    case 'stdin':
      return 'stdin';
    case 'file':
      return `@${source.path}`;
    case 'env':
      return `env:${source.name}`;
    case 'profile':
      return `profile:${source.profile}${source.token === 'id_token' ? '#id_token' : ''}`;
    case 'github-actions':
      return 'github-actions';
  }
}

/**
 * Token sources (SPEC "More grants"): where a subject token, an actor token, an assertion or an
 * initial access token (`register`) comes from. `SRC` is one of
 *
 *     TOKEN                 the token itself (never stored: renewal cannot read it again)
 *     -                     one line of stdin (never stored either)
 *     @FILE                 the file, read at each use (Kubernetes projected tokens rotate)
 *     env:NAME              an environment variable
 *     profile:NAME          that profile's valid access token, renewed as needed
 *     profile:NAME#id_token that profile's ID token
 *     github-actions        the GitHub Actions OIDC ID token
 *
 * Parsing is pure; reading goes through the `TokenSourceIO` port (files, variables, stdin, saved
 * profiles) and the HTTP client, so nothing here touches the process.
 */
import type { Profile } from '../config/profile.js';
import { LoginRequiredError, UsageError } from '../errors.js';
import { GITHUB_ACTIONS_TOKEN_VARIABLE, GITHUB_ACTIONS_URL_VARIABLE, githubActionsIdTokenRequest } from '../oauth/github-actions.js';
import { assertProfileName } from '../store/profile-name.js';
import type { TokenSet } from '../store/types.js';
import { claimsOf } from './claims.js';
import type { AppContext } from './context.js';
import { assertSecureUrl } from './endpoints.js';

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

export interface ReadSourceOptions {
  role: SourceRole;
  /** The profile being logged in: `profile:` may not name it (its lock is held). */
  forProfile?: string;
  /** github-actions: the ID token's `audience`. */
  audience?: string;
}

/**
 * Reads the token a source names, registering it for redaction before anything can print it.
 *
 * @throws UsageError (exit 2) naming the file, the variable or the missing GitHub variables;
 *   LoginRequiredError (exit 5) naming the profile for `profile:NAME` with no usable token.
 */
export async function readTokenSource(source: TokenSource, opts: ReadSourceOptions, ctx: AppContext): Promise<string> {
  const token = (await read(source, opts, ctx)).trim();
  if (token === '') {
    throw new UsageError(`the ${opts.role} from ${describeSource(source)} is empty`, { code: 'empty_token_source' });
  }
  ctx.redactor.addSecret(token);
  return token;
}

async function read(source: TokenSource, opts: ReadSourceOptions, ctx: AppContext): Promise<string> {
  const io = sourceIO(ctx);
  switch (source.kind) {
    case 'literal':
      ctx.redactor.addSecret(source.value);
      return source.value;
    case 'stdin':
      return io.readStdinLine();
    case 'file':
      try {
        return await io.readFile(source.path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new UsageError(`cannot read the ${opts.role} file ${source.path}: ${code}`, { code: 'unreadable_token_source' });
      }
    case 'env': {
      const value = io.env[source.name];
      if (value === undefined || value === '') {
        throw new UsageError(`the environment variable ${source.name} (${opts.role} source env:${source.name}) is not set`, {
          code: 'unset_token_source',
        });
      }
      return value;
    }
    case 'profile':
      return profileToken(source, opts, ctx);
    case 'github-actions':
      return githubActionsToken(opts, ctx);
  }
}

function sourceIO(ctx: AppContext): TokenSourceIO {
  if (!ctx.sources) throw new Error('token sources are not wired into this AppContext');
  return ctx.sources;
}

/**
 * `profile:NAME`: NAME's access token as `token` would print it (renewed when needed), or its ID
 * token, renewed with the refresh token when it has expired.
 */
async function profileToken(source: Extract<TokenSource, { kind: 'profile' }>, opts: ReadSourceOptions, ctx: AppContext): Promise<string> {
  const name = source.profile;
  if (name === opts.forProfile) {
    throw new UsageError(`the ${opts.role} source profile:${name} names the profile being logged in`, { code: 'invalid_token_source' });
  }
  const settings = (await sourceIO(ctx).savedProfile(name)) ?? {};
  // Loaded lazily, as acquire-token loads renewal: a cycle with the grants that use sources.
  const { acquireToken } = await import('./acquire-token.js');
  let set: TokenSet;
  try {
    set = await acquireToken({ profile: name, settings }, ctx);
  } catch (err) {
    if (err instanceof LoginRequiredError) throw new LoginRequiredError(`${opts.role} source profile:${name}: ${err.message}`);
    throw err;
  }
  if (source.token === 'access_token') return set.access_token;
  if (!idTokenUsable(set.id_token, ctx.now())) {
    const { renewToken } = await import('./renew-token.js');
    if (set.refresh_token) set = await renewToken({ profile: name, settings, force: true }, ctx);
  }
  if (!set.id_token || !idTokenUsable(set.id_token, ctx.now())) {
    throw new LoginRequiredError(`${opts.role} source profile:${name}#id_token: profile '${name}' has no valid ID token`);
  }
  return set.id_token;
}

function idTokenUsable(idToken: string | undefined, nowMs: number): boolean {
  const exp = claimsOf(idToken)?.exp;
  return idToken !== undefined && (typeof exp !== 'number' || exp > Math.floor(nowMs / 1000) + 30);
}

async function githubActionsToken(opts: ReadSourceOptions, ctx: AppContext): Promise<string> {
  const env = sourceIO(ctx).env;
  const url = env[GITHUB_ACTIONS_URL_VARIABLE];
  const bearer = env[GITHUB_ACTIONS_TOKEN_VARIABLE];
  if (!url || !bearer) {
    throw new UsageError(
      `the github-actions ${opts.role} source needs ${GITHUB_ACTIONS_URL_VARIABLE} and ${GITHUB_ACTIONS_TOKEN_VARIABLE}, which GitHub sets only in a job with the permission id-token: write`,
      { code: 'github_actions_unavailable', hint: 'add `permissions: id-token: write` to the workflow (or the job)' },
    );
  }
  ctx.redactor.addSecret(bearer);
  assertSecureUrl(url, GITHUB_ACTIONS_URL_VARIABLE, ctx.insecure);
  ctx.note(`fetching the GitHub Actions ID token${opts.audience ? ` for audience ${opts.audience}` : ''}`);
  return githubActionsIdTokenRequest(ctx.http, { url, bearer, ...(opts.audience !== undefined ? { audience: opts.audience } : {}) }, ctx.warn);
}

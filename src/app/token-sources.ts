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
import { LoginRequiredError, UsageError } from '../errors.js';
import { GITHUB_ACTIONS_TOKEN_VARIABLE, GITHUB_ACTIONS_URL_VARIABLE, githubActionsIdTokenRequest } from '../oauth/github-actions.js';
import type { TokenSet } from '../store/types.js';
import { claimsOf } from './claims.js';
import type { AppContext } from './context.js';
import { assertSecureUrl } from './endpoints.js';

export * from './token-source-spec.js';
import { describeSource, type SourceRole, type TokenSource, type TokenSourceIO } from './token-source-spec.js';

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

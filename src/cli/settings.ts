import type { AcquireRequest } from '../app/acquire-token.js';
import { PROFILE_FIELDS, parseParams, resolveProfile, validateProfile, type Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { readAll, stripOneNewline } from '../io/io.js';
import type { Session } from './session.js';

/** The profile fields given as flags on this command line (`--token-url` → token_endpoint, …). */
export function profileFromFlags(opts: Record<string, unknown>): Profile {
  const profile: Profile = {};
  for (const spec of PROFILE_FIELDS) {
    const value = opts[attributeName(spec.flag)];
    if (typeof value === 'string') profile[spec.field] = value;
  }
  if (Array.isArray(opts.param)) profile.params = parseParams(opts.param as string[]);
  if (opts.discovery === false) profile.discovery = false;
  return validateProfile(profile, 'command line');
}

export interface ResolvedSettings {
  profileName: string;
  /** The profile as saved in config.json, if any. */
  saved?: Profile;
  /** Flags > environment > saved profile. */
  settings: Profile;
}

export async function resolveSettings(session: Session, opts: Record<string, unknown>): Promise<ResolvedSettings> {
  const profileName = await session.profileName();
  const saved = (await session.config()).profiles[profileName];
  const settings = resolveProfile({ flags: profileFromFlags(opts), env: session.env, saved });
  return { profileName, settings, ...(saved ? { saved } : {}) };
}

/**
 * The client secret for this run, from (in order) `--client-secret-stdin`, `--client-secret`
 * (with a warning: process lists show it), `OAUTHCTL_CLIENT_SECRET`, or a masked prompt when
 * `prompt` is set and we can prompt. Undefined when none was given.
 */
export async function clientSecretFromInput(
  session: Session,
  opts: Record<string, unknown>,
  prompt?: { message: string },
): Promise<string | undefined> {
  let secret: string | undefined;
  if (opts.clientSecretStdin) {
    if (session.io.stdinIsTTY) throw new UsageError('--client-secret-stdin: stdin is a terminal, not a pipe', { hint: 'pipe the secret in, e.g. `< secret.txt`' });
    secret = stripOneNewline(await readAll(session.io.stdin));
    if (!secret) throw new UsageError('--client-secret-stdin: stdin was empty');
  } else if (typeof opts.clientSecret === 'string') {
    session.app.warn('--client-secret is visible to other users in process lists; prefer --client-secret-stdin or OAUTHCTL_CLIENT_SECRET');
    secret = opts.clientSecret;
  } else if (session.env.OAUTHCTL_CLIENT_SECRET) {
    secret = session.env.OAUTHCTL_CLIENT_SECRET;
  } else if (prompt && session.io.canPrompt) {
    secret = await session.prompter.secret(prompt.message);
  }
  session.app.redactor.addSecret(secret);
  return secret;
}


/**
 * What every command that uses the stored tokens needs: the profile, the merged settings, the
 * secret given for this run (if any) and `--min-ttl`.
 */
export async function acquireRequestFrom(session: Session, opts: Record<string, unknown>): Promise<AcquireRequest> {
  const { profileName, settings } = await resolveSettings(session, opts);
  const clientSecret = await clientSecretFromInput(session, opts);
  let minTtl: number | undefined;
  if (opts.minTtl !== undefined) {
    minTtl = Number(opts.minTtl);
    if (!Number.isFinite(minTtl) || minTtl < 0) throw new UsageError(`--min-ttl expects seconds, got '${String(opts.minTtl)}'`);
  }
  return { profile: profileName, settings, ...(clientSecret !== undefined ? { clientSecret } : {}), ...(minTtl !== undefined ? { minTtl } : {}) };
}

/** `--token-url <url>` → `tokenUrl`, as commander names option values (without loading it). */
export function attributeName(flag: string): string {
  const long = flag.split(/[ ,|]+/).find((part) => part.startsWith('--')) ?? flag;
  return long.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

import type { AcquireRequest } from '../app/acquire-token.js';
import { PROFILE_FIELDS, parseParams, resolveProfile, validateProfile, type Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { readAll, stripOneNewline } from '../io/io.js';
import { parseSeconds } from './globals.js';
import { attributeName } from './option-spec.js';
import type { Session } from './session.js';

/** The profile fields given as flags on this command line (`--token-url` → token_endpoint, …), checked. */
export function profileFromFlags(opts: Readonly<Record<string, unknown>>): Profile {
  const profile: Record<string, unknown> = {};
  for (const spec of PROFILE_FIELDS) {
    const value = opts[attributeName(spec.flag)];
    if (typeof value === 'string') profile[spec.field] = value;
    else if (spec.repeatable && Array.isArray(value) && value.length > 0) {
      (profile as Record<string, unknown>)[spec.field] = value.length === 1 ? value[0] : value;
    }
  }
  if (Array.isArray(opts.param)) profile.params = parseParams(opts.param as string[]);
  if (Array.isArray(opts.assertionClaim)) profile.assertion_claims = parseParams(opts.assertionClaim as string[], '--assertion-claim');
  if (opts.discovery === false) profile.discovery = false;
  if (opts.dpop === true) profile.dpop = true;
  if (typeof opts.authorizationDetails === 'string') profile.authorization_details = opts.authorizationDetails;
  if (opts.par === true) profile.par = true;
  if (opts.requestObject === true) profile.request_object = true;
  return validateProfile(profile as Profile, 'command line');
}

/** Where this run's client secret comes from, when a flag names it (`--client-secret-stdin`, `--client-secret`). */
export interface SecretFlags {
  stdin: boolean;
  /** `--client-secret` (visible in process lists: warned about when used). */
  value?: string;
}

export function parseSecretFlags(opts: Readonly<Record<string, unknown>>): SecretFlags {
  return { stdin: opts.clientSecretStdin === true, ...(typeof opts.clientSecret === 'string' ? { value: opts.clientSecret } : {}) };
}

/** The options of every command that uses the stored tokens (`token`, `userinfo`, `logout`, …). */
export interface TokenCommandOptions {
  /** Profile fields given as flags: they win over the environment and the saved profile. */
  profileFlags: Profile;
  secret: SecretFlags;
  /** `--min-ttl`: renew when fewer seconds than this remain. */
  minTtl?: number;
}

export function parseTokenCommandOptions(opts: Readonly<Record<string, unknown>>): TokenCommandOptions {
  return {
    profileFlags: profileFromFlags(opts),
    secret: parseSecretFlags(opts),
    ...(opts.minTtl !== undefined ? { minTtl: parseSeconds(opts.minTtl, '--min-ttl') } : {}),
  };
}

export interface ResolvedSettings {
  profileName: string;
  /** The profile as saved in config.json, if any. */
  saved?: Profile;
  /** Flags > environment > saved profile. */
  settings: Profile;
}

export async function resolveSettings(session: Session, profileFlags: Profile): Promise<ResolvedSettings> {
  const profileName = await session.profileName();
  const saved = (await session.config()).profiles[profileName];
  const settings = resolveProfile({ flags: profileFlags, env: session.env, saved });
  return { profileName, settings, ...(saved ? { saved } : {}) };
}

/**
 * The client secret for this run, from (in order) `--client-secret-stdin`, `--client-secret`
 * (with a warning: process lists show it), `OAUTHCTL_CLIENT_SECRET`, or a masked prompt when
 * `prompt` is set and we can prompt. Undefined when none was given.
 */
export async function clientSecretFromInput(session: Session, flags: SecretFlags, prompt?: { message: string }): Promise<string | undefined> {
  let secret: string | undefined;
  if (flags.stdin) {
    if (session.io.stdinIsTTY) throw new UsageError('--client-secret-stdin: stdin is a terminal, not a pipe', { hint: 'pipe the secret in, e.g. `< secret.txt`' });
    secret = stripOneNewline(await readAll(session.io.stdin));
    if (!secret) throw new UsageError('--client-secret-stdin: stdin was empty');
  } else if (flags.value !== undefined) {
    session.app.warn('--client-secret is visible to other users in process lists; prefer --client-secret-stdin or OAUTHCTL_CLIENT_SECRET');
    secret = flags.value;
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
export async function acquireRequestFrom(session: Session, opts: TokenCommandOptions): Promise<AcquireRequest> {
  const { profileName, settings } = await resolveSettings(session, opts.profileFlags);
  const clientSecret = await clientSecretFromInput(session, opts.secret);
  return {
    profile: profileName,
    settings,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    ...(opts.minTtl !== undefined ? { minTtl: opts.minTtl } : {}),
  };
}

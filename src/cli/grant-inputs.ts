/**
 * Command-line checks for the token sources of token_exchange and jwt_bearer (SPEC "More grants"),
 * made before any request so that bad input is exit 2 naming the flag.
 */
import { parseTokenSource } from '../app/token-sources.js';
import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import type { Session } from './session.js';

const SOURCE_FLAGS = { subject_token: '--subject-token', actor_token: '--actor-token', assertion: '--assertion' } as const;
type SourceField = keyof typeof SOURCE_FLAGS;
const SOURCES = Object.keys(SOURCE_FLAGS) as SourceField[];

/** What `login` was given on its command line, besides the merged settings. */
export interface GivenInputs {
  /** The profile fields given as flags. */
  flags: Profile;
  /** `--client-secret-stdin` or `--password-stdin`, when given: stdin is theirs. */
  stdinTakenBy?: string;
}

/** `login`: the grant's required source is there, stdin is claimed once, a literal token is warned about. */
export function checkGrantInputs(grant: string, settings: Profile, given: GivenInputs, session: Session): void {
  if (grant === 'token_exchange' && !settings.subject_token) {
    throw new UsageError('--grant token_exchange needs --subject-token SRC', {
      code: 'missing_subject_token',
      hint: 'SRC is a token, -, @FILE, env:NAME, profile:NAME[#id_token] or github-actions',
    });
  }
  if (grant === 'jwt_bearer' && settings.assertion === undefined && settings.private_key === undefined) {
    throw new UsageError('--grant jwt_bearer needs --assertion SRC, or --private-key FILE to sign one', { code: 'missing_assertion' });
  }
  const used = SOURCES.filter((field) => settings[field] !== undefined && usedBy(grant, field));
  const fromStdin = used.filter((field) => settings[field] === '-');
  const otherStdin = given.stdinTakenBy;
  if (fromStdin.length > 1 || (fromStdin.length === 1 && otherStdin)) {
    const names = [...fromStdin.map((f) => `${SOURCE_FLAGS[f]} -`), ...(otherStdin ? [otherStdin] : [])];
    throw new UsageError(`${names.join(' and ')} cannot both read stdin`);
  }
  for (const field of used) {
    if (given.flags[field] !== undefined && parseTokenSource(settings[field] as string, SOURCE_FLAGS[field]).kind === 'literal') {
      session.app.warn(`${SOURCE_FLAGS[field]} with the token itself is visible in process lists and cannot be read again to renew; prefer @FILE, env:NAME or -`);
    }
  }
}

/** `profile add`: a literal token or stdin never reaches config.json. */
export function refuseUnsavableSources(profile: Profile): void {
  for (const field of SOURCES) {
    const value = profile[field];
    if (value === undefined) continue;
    const kind = parseTokenSource(value, SOURCE_FLAGS[field]).kind;
    if (kind === 'literal' || kind === 'stdin') {
      throw new UsageError(`${SOURCE_FLAGS[field]}: a profile keeps where a token comes from, never the token itself${kind === 'stdin' ? ' or stdin' : ''}`, {
        code: 'unsavable_token_source',
        hint: 'use @FILE, env:NAME, profile:NAME or github-actions',
      });
    }
  }
}

function usedBy(grant: string, field: SourceField): boolean {
  return grant === 'jwt_bearer' ? field === 'assertion' : grant === 'token_exchange' ? field !== 'assertion' : false;
}

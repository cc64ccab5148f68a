/**
 * Renewal without the user for token_exchange and jwt_bearer (SPEC "More grants"): a token set
 * keeps the grant's inputs by description so `token` can run the grant again, but only when every
 * token source in it can be read again. A literal token or stdin is never kept.
 */
import type { Profile } from '../../config/profile.js';
import type { GrantInputs } from '../../store/types.js';
import { isRereadable, parseTokenSource } from '../token-source-spec.js';

/** The grants that may be run again from stored inputs. */
export const REPEATABLE_GRANTS: ReadonlySet<string> = new Set(['token_exchange', 'jwt_bearer']);

const SOURCE_FIELDS = ['subject_token', 'actor_token', 'assertion'] as const;
const PLAIN_FIELDS = [
  'subject_token_type',
  'subject_audience',
  'actor_token_type',
  'requested_token_type',
  'audience',
  'subject',
  'assertion_audience',
] as const;

/** What to keep with the token set: plain inputs, and token sources only when re-readable. */
export function grantInputs(settings: Profile): GrantInputs {
  const inputs: GrantInputs = {};
  for (const field of PLAIN_FIELDS) {
    const value = settings[field];
    if (value !== undefined) inputs[field] = value;
  }
  if (settings.resource !== undefined) inputs.resource = settings.resource;
  if (settings.assertion_claims !== undefined) inputs.assertion_claims = settings.assertion_claims;
  if (settings.authorization_details !== undefined) inputs.authorization_details = settings.authorization_details;
  for (const field of SOURCE_FIELDS) {
    const value = settings[field];
    if (value !== undefined && isRereadable(parseTokenSource(value))) inputs[field] = value;
  }
  return inputs;
}

/**
 * Whether `grant` can be run again without the user: every token source it uses is re-readable,
 * or (jwt_bearer) it signs its own assertion with a key file.
 */
export function canRepeatGrant(grant: string | undefined, settings: Profile): boolean {
  const rereadable = (value: string | undefined) => value !== undefined && isRereadable(parseTokenSource(value));
  if (grant === 'token_exchange') {
    return rereadable(settings.subject_token) && (settings.actor_token === undefined || rereadable(settings.actor_token));
  }
  if (grant === 'jwt_bearer') return settings.assertion === undefined ? settings.private_key !== undefined : rereadable(settings.assertion);
  return false;
}

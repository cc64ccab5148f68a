/**
 * RFC 8693 §3 token type identifiers, and the profile fields that hold one. Apart from the
 * exchange itself (./token-exchange.ts): profile validation needs only these, on every start.
 */
import { UsageError } from '../errors.js';

/** RFC 8693 §3, plus the SAML assertion types it registers. */
export const TOKEN_TYPES = {
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  refresh_token: 'urn:ietf:params:oauth:token-type:refresh_token',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  saml1: 'urn:ietf:params:oauth:token-type:saml1',
  saml2: 'urn:ietf:params:oauth:token-type:saml2',
} as const;

export type TokenTypeName = keyof typeof TOKEN_TYPES;

/** The profile fields (and flags) that hold a token type. */
export const TOKEN_TYPE_FIELDS = ['subject_token_type', 'actor_token_type', 'requested_token_type'] as const;

/**
 * A short name (`id_token`) becomes its URN; a URN or any absolute URI is kept as given (RFC 8693
 * §3 lets deployments define their own types).
 *
 * @throws UsageError (`unknown_token_type`) naming `what` for anything else.
 */
export function resolveTokenType(value: string, what: string): string {
  if (Object.hasOwn(TOKEN_TYPES, value)) return TOKEN_TYPES[value as TokenTypeName];
  if (/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(value) || /^https?:\/\/\S+$/i.test(value)) return value;
  throw new UsageError(`unknown token type '${value}' for ${what}`, {
    code: 'unknown_token_type',
    hint: `use a URN or one of ${Object.keys(TOKEN_TYPES).join(', ')}`,
  });
}

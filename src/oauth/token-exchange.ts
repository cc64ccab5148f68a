/**
 * OAuth 2.0 Token Exchange: the request parameters and the one check its answer needs beyond a
 * token response's. Pure: the caller sends the request through the token endpoint pipeline.
 *
 * @see RFC 8693 §2.1 (request), §2.2.1 (response: `issued_token_type`), §3 (token type URIs)
 */
import { UsageError } from '../errors.js';
import { authorizationDetailsParam, type AuthorizationDetail } from './rar.js';
import type { TokenResponse } from './token-response.js';

/** RFC 8693 §2.1 `grant_type`. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

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

export interface TokenExchangeParams {
  subjectToken: string;
  /** A URN (already resolved). */
  subjectTokenType: string;
  actorToken?: string;
  actorTokenType?: string;
  requestedTokenType?: string;
  audience?: string;
  resource?: string | readonly string[];
  scope?: string;
  /** RFC 9396 §6: what the exchanged token is asked for, in detail. */
  authorizationDetails?: readonly AuthorizationDetail[];
}

/** RFC 8693 §2.1: the form parameters of an exchange (client authentication is added by the pipeline). */
export function tokenExchangeParams(p: TokenExchangeParams): Record<string, string | readonly string[] | undefined> {
  return {
    grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
    subject_token: p.subjectToken,
    subject_token_type: p.subjectTokenType,
    actor_token: p.actorToken,
    actor_token_type: p.actorToken === undefined ? undefined : p.actorTokenType,
    requested_token_type: p.requestedTokenType,
    audience: p.audience,
    resource: p.resource,
    scope: p.scope,
    authorization_details: p.authorizationDetails && authorizationDetailsParam(p.authorizationDetails),
  };
}

/**
 * RFC 8693 §2.2.1: `issued_token_type` is REQUIRED. A server that forgets it is tolerated with a
 * warning (the token is still usable); a value that is not a string is ignored with a warning.
 */
export function checkIssuedTokenType(res: TokenResponse, warn: (message: string) => void): string | undefined {
  const value = res.raw.issued_token_type;
  if (typeof value === 'string' && value !== '') return value;
  if (value === undefined || value === null || value === '') {
    warn('the token exchange answer has no issued_token_type (RFC 8693 §2.2.1 requires it); accepted the token anyway');
  } else {
    warn('the token exchange answer has an issued_token_type that is not a string; ignored it');
  }
  return undefined;
}

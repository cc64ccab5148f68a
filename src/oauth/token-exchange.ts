/**
 * OAuth 2.0 Token Exchange: the request parameters and the one check its answer needs beyond a
 * token response's. Pure: the caller sends the request through the token endpoint pipeline.
 *
 * @see RFC 8693 §2.1 (request), §2.2.1 (response: `issued_token_type`), §3 (token type URIs)
 */
import { authorizationDetailsParam, type AuthorizationDetail } from './rar.js';
import type { TokenResponse } from './token-response.js';

/** RFC 8693 §2.1 `grant_type`. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export { resolveTokenType, TOKEN_TYPE_FIELDS, TOKEN_TYPES, type TokenTypeName } from './token-types.js';

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

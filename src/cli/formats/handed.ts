import type { CurrentIdToken } from '../../app/acquire-id-token.js';
import { authorizationScheme } from '../../app/token-set.js';
import type { TokenSet } from '../../store/types.js';
import type { HandedToken } from './types.js';

/** The access token of a set, as the renderers and `exec` hand it over. */
export function handedAccessToken(set: TokenSet): HandedToken {
  return {
    kind: 'access_token',
    token: set.access_token,
    scheme: authorizationScheme(set.token_type),
    tokenType: set.token_type,
    expiresAt: typeof set.expires_at === 'number' ? set.expires_at : null,
    scope: set.scope ?? null,
  };
}

/** An ID token is presented as a bearer token (OIDC Core §2: it is a JWT, never sender-bound here). */
export function handedIdToken(current: CurrentIdToken): HandedToken {
  return {
    kind: 'id_token',
    token: current.idToken,
    scheme: 'Bearer',
    tokenType: 'Bearer',
    expiresAt: current.expiresAt,
    scope: current.tokens.scope ?? null,
  };
}

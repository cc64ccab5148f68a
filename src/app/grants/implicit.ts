import { fragmentRelay } from '../../loopback/implicit-relay.js';
import { throwIfAuthorizationError } from '../../oauth/authorize.js';
import { processTokenResponse } from '../../oauth/token-response.js';
import type { TokenSet } from '../../store/types.js';
import type { AppContext } from '../context.js';
import type { Interaction } from '../interaction.js';
import type { LoginRequest } from '../login.js';
import { authorizeInBrowser } from './browser-authorization.js';
import { finishLogin } from './finish.js';

/**
 * The legacy implicit grant (RFC 6749 §4.2, deprecated by OAuth 2.1: tokens travel in the URL):
 * `response_type=token` (`id_token token` with `openid`); the tokens come back in the redirect's
 * fragment, which the listener's `fragmentRelay` page hands over. No token endpoint is involved.
 */
export async function implicitGrant(req: LoginRequest, ctx: AppContext, io: Interaction): Promise<TokenSet> {
  ctx.warn('the implicit grant is deprecated by OAuth 2.1 (tokens travel in the URL); prefer the authorization code grant');
  const { params, redirectUri, client, endpoints, nonce } = await authorizeInBrowser(req, ctx, io, {
    responseType: (withNonce) => (withNonce ? 'id_token token' : 'token'),
    endpoints: [],
    relay: fragmentRelay,
  });
  throwIfAuthorizationError(params);
  const res = processTokenResponse(
    { status: 200, statusText: 'OK', url: redirectUri, headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }), text: params.toString() },
    { endpoint: redirectUri, name: 'authorization response', operation: 'implicit grant', warn: ctx.warn, note: ctx.note },
  );
  return finishLogin(res, { settings: req.settings, endpoints, client, grant: 'implicit', ...(nonce ? { nonce } : {}) }, ctx);
}

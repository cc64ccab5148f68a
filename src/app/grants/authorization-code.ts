import { authorizationCode } from '../../oauth/authorize.js';
import { createPkce } from '../../oauth/pkce.js';
import { tokenRequest } from '../../oauth/token-request.js';
import type { TokenSet } from '../../store/types.js';
import type { AppContext } from '../context.js';
import type { Interaction } from '../interaction.js';
import type { LoginRequest } from '../login.js';
import { authorizeInBrowser } from './browser-authorization.js';
import { finishLogin } from './finish.js';

/**
 * RFC 6749 §4.1 with PKCE (RFC 7636) always, `state` always and `nonce` with `openid`; the code
 * arrives at a loopback listener (RFC 8252 §7.3) or, in a manual login, is pasted by the user,
 * and is exchanged at the token endpoint.
 */
export async function authorizationCodeGrant(req: LoginRequest, ctx: AppContext, io: Interaction): Promise<TokenSet> {
  const pkce = createPkce();
  ctx.redactor.addSecret(pkce.verifier);
  const { params, redirectUri, as, client, endpoints, nonce } = await authorizeInBrowser(req, ctx, io, {
    responseType: () => 'code',
    endpoints: ['token_endpoint'],
    pkce,
  });
  const code = authorizationCode(params);
  ctx.redactor.addSecret(code);
  const res = await tokenRequest(as, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier, resource: req.settings.resource });
  return finishLogin(res, { settings: req.settings, endpoints, client, grant: 'authorization_code', dpop: as.dpop, ...(nonce ? { nonce } : {}) }, ctx);
}

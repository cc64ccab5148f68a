import { UsageError } from '../../errors.js';
import { authorizationDetailsParam } from '../../oauth/rar.js';
import { tokenRequest } from '../../oauth/token-request.js';
import type { TokenSet } from '../../store/types.js';
import { connect } from '../auth-server.js';
import type { AppContext } from '../context.js';
import type { LoginRequest } from '../login.js';
import { finishLogin } from './finish.js';

/**
 * RFC 6749 §4.4: the client acts on its own behalf; it must be confidential. With
 * `authorization_details` (RFC 9396 §6) they go with the request, and are kept with the set so a
 * renewal (a new grant) asks for them again.
 */
export async function clientCredentialsGrant(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  const { settings } = req;
  const as = await connect(settings, req.clientSecret, ['token_endpoint'], ctx, { dpop: req.dpop });
  if (as.client.method === 'none') {
    throw new UsageError('the client_credentials grant needs a confidential client', { code: 'confidential_client_required' });
  }
  const details = req.authorizationDetails;
  const res = await tokenRequest(as, {
    ...(req.target
      ? { grant_type: 'client_credentials', scope: req.target.scope.join(' '), audience: req.target.audience, resource: req.target.resource }
      : { grant_type: 'client_credentials', scope: settings.scope, audience: settings.audience, resource: settings.resource }),
    authorization_details: details && authorizationDetailsParam(details),
  });
  const set = await finishLogin(res, { settings, endpoints: as.endpoints, client: as.client, grant: 'client_credentials', dpop: as.dpop }, ctx);
  if (details !== undefined && settings.authorization_details !== undefined) set.grant_inputs = { authorization_details: settings.authorization_details };
  return set;
}

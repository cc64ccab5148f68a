import { UsageError } from '../../errors.js';
import { tokenRequest } from '../../oauth/token-request.js';
import type { TokenSet } from '../../store/types.js';
import { clientCredentials } from '../client.js';
import type { AppContext } from '../context.js';
import { resolveEndpoints } from '../endpoints.js';
import type { LoginRequest } from '../login.js';
import { finishLogin } from './finish.js';

/** RFC 6749 §4.4: the client acts on its own behalf; it must be confidential. */
export async function clientCredentialsGrant(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  const { settings } = req;
  const client = await clientCredentials(settings, req.clientSecret);
  if (client.method === 'none') {
    throw new UsageError('the client_credentials grant needs a confidential client', {
      hint: 'give the client secret (--client-secret-stdin or OAUTHCTL_CLIENT_SECRET) or --private-key',
    });
  }
  const endpoints = await resolveEndpoints(settings, ['token_endpoint'], ctx);
  const res = await tokenRequest(ctx.http, {
    tokenEndpoint: endpoints.token_endpoint as string,
    params: { grant_type: 'client_credentials', scope: settings.scope, audience: settings.audience, resource: settings.resource },
    client,
    now: ctx.now,
    warn: ctx.warn,
    note: ctx.note,
  });
  return finishLogin(res, { settings, endpoints, client, grant: 'client_credentials' }, ctx);
}

import { UsageError } from '../../errors.js';
import { tokenRequest } from '../../oauth/token-request.js';
import type { TokenSet } from '../../store/types.js';
import { clientCredentials } from '../client.js';
import type { AppContext } from '../context.js';
import { resolveEndpoints } from '../endpoints.js';
import type { LoginRequest } from '../login.js';
import { finishLogin } from './finish.js';

/** RFC 6749 §4.3: the resource owner's username and password. The password is never stored. */
export async function passwordGrant(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  const { settings } = req;
  if (!req.username) throw new UsageError('the password grant needs a username', { hint: 'give --username <name>' });
  if (req.password === undefined) {
    throw new UsageError('the password grant needs a password', { hint: 'use --password-stdin or OAUTHCTL_PASSWORD, or run on a terminal to be asked' });
  }
  ctx.redactor.addSecret(req.password);
  const client = await clientCredentials(settings, req.clientSecret);
  const endpoints = await resolveEndpoints(settings, ['token_endpoint'], ctx);
  const res = await tokenRequest(ctx.http, {
    tokenEndpoint: endpoints.token_endpoint as string,
    params: {
      grant_type: 'password',
      username: req.username,
      password: req.password,
      scope: settings.scope,
      audience: settings.audience,
      resource: settings.resource,
    },
    client,
    now: ctx.now,
    warn: ctx.warn,
    note: ctx.note,
  });
  return finishLogin(res, { settings, endpoints, client, grant: 'password' }, ctx);
}

import { UsageError } from '../../errors.js';
import { tokenRequest } from '../../oauth/token-request.js';
import type { TokenSet } from '../../store/types.js';
import { connect } from '../auth-server.js';
import type { AppContext } from '../context.js';
import type { LoginRequest } from '../login.js';
import { finishLogin } from './finish.js';

/** RFC 6749 §4.3: the resource owner's username and password. The password is never stored. */
export async function passwordGrant(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  const { settings } = req;
  if (!req.username) throw new UsageError('the password grant needs a username', { code: 'missing_username' });
  if (req.password === undefined) throw new UsageError('the password grant needs a password', { code: 'missing_password' });
  ctx.redactor.addSecret(req.password);
  const as = await connect(settings, req.clientSecret, ['token_endpoint'], ctx, { dpop: req.dpop });
  const res = await tokenRequest(as, {
    grant_type: 'password',
    username: req.username,
    password: req.password,
    scope: settings.scope,
    audience: settings.audience,
    resource: settings.resource,
  });
  return finishLogin(res, { settings, endpoints: as.endpoints, client: as.client, grant: 'password', dpop: as.dpop }, ctx);
}

import type { Profile } from '../../config/profile.js';
import { validateIdToken } from '../../jwt/id-token.js';
import { remoteJwks } from '../../jwt/jwks.js';
import type { ClientCredentials } from '../../oauth/client-auth.js';
import type { TokenResponse } from '../../oauth/token-response.js';
import type { TokenSet } from '../../store/types.js';
import type { AppContext } from '../context.js';
import { resolveEndpoints, type Endpoints } from '../endpoints.js';
import { toTokenSet } from '../token-set.js';

export interface FinishOptions {
  settings: Profile;
  endpoints: Endpoints;
  client: ClientCredentials;
  grant: string;
  /** The nonce sent in the authorization request, if any. */
  nonce?: string;
}

/**
 * Every grant ends here: tokens are registered for redaction, an ID token is validated
 * (signature against the JWKS, iss, aud, exp, nonce), and the response becomes a stored set.
 */
export async function finishLogin(res: TokenResponse, opts: FinishOptions, ctx: AppContext): Promise<TokenSet> {
  for (const secret of [res.access_token, res.refresh_token, res.id_token]) ctx.redactor.addSecret(secret);
  if (res.id_token) await checkIdToken(res.id_token, opts, ctx);
  const tokenEndpoint = opts.endpoints.token_endpoint ?? '';
  return toTokenSet(
    res,
    {
      ...(opts.endpoints.issuer ? { issuer: opts.endpoints.issuer } : {}),
      token_endpoint: tokenEndpoint,
      client_id: opts.client.clientId,
      client_auth: opts.client.method,
      grant: opts.grant,
      ...(opts.client.method === 'private_key_jwt' && opts.settings.private_key ? { private_key: opts.settings.private_key } : {}),
    },
    ctx.now(),
  );
}

async function checkIdToken(idToken: string, opts: FinishOptions, ctx: AppContext): Promise<void> {
  const issuer = opts.endpoints.issuer;
  let jwksUri = opts.endpoints.jwks_uri;
  if (!jwksUri && issuer) jwksUri = (await resolveEndpoints(opts.settings, ['jwks_uri'], ctx, { required: false })).jwks_uri;
  if (!issuer || !jwksUri) {
    ctx.warn(`the ID token was not validated: ${issuer ? 'no jwks_uri is known (give --jwks-uri)' : 'no issuer is known (give --issuer)'}`);
    return;
  }
  await validateIdToken(idToken, {
    issuer,
    clientId: opts.client.clientId,
    ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}),
    jwks: remoteJwks(ctx.http, jwksUri),
    now: ctx.now,
  });
  ctx.note('ID token validated (signature, iss, aud, exp, nonce)');
}

import type { Profile } from '../../config/profile.js';
import type { ClientCredentials } from '../../oauth/client-auth.js';
import type { TokenResponse } from '../../oauth/token-response.js';
import type { TokenSet } from '../../store/types.js';
import { claimsOf } from '../claims.js';
import type { AppContext } from '../context.js';
import { resolveEndpoints, type Endpoints } from '../endpoints.js';
import { certificatePaths, toTokenSet, withDpopKey } from '../token-set.js';
import type { DpopSigner } from '../../oauth/dpop.js';

export interface FinishOptions {
  settings: Profile;
  endpoints: Endpoints;
  client: ClientCredentials;
  grant: string;
  /** The nonce sent in the authorization request, if any. */
  nonce?: string;
  /** RFC 9449: the DPoP key the token requests were made with; kept with the token set. */
  dpop?: DpopSigner | undefined;
}

/**
 * Every grant ends here: tokens are registered for redaction, an ID token is validated
 * (signature against the JWKS, iss, aud, exp, nonce), and the response becomes a stored set.
 */
export async function finishLogin(res: TokenResponse, opts: FinishOptions, ctx: AppContext): Promise<TokenSet> {
  for (const secret of [res.access_token, res.refresh_token, res.id_token]) ctx.redactor.addSecret(secret);
  if (res.id_token) {
    await checkIdToken(res.id_token, { settings: opts.settings, endpoints: opts.endpoints, clientId: opts.client.clientId, ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}) }, ctx);
  }
  const tokenEndpoint = opts.endpoints.token_endpoint ?? '';
  const set = toTokenSet(
    res,
    {
      ...(opts.endpoints.issuer ? { issuer: opts.endpoints.issuer } : {}),
      token_endpoint: tokenEndpoint,
      client_id: opts.client.clientId,
      client_auth: opts.client.method,
      grant: opts.grant,
      ...(opts.client.method === 'private_key_jwt' && opts.settings.private_key ? { private_key: opts.settings.private_key } : {}),
      ...certificatePaths(opts.settings),
    },
    ctx.now(),
  );
  return withDpopKey(set, opts.dpop);
}

export interface IdTokenCheck {
  settings: Profile;
  endpoints: Endpoints;
  clientId: string;
  nonce?: string;
  /** A refresh: the ID token being renewed, whose `sub` the new one must repeat (OIDC Core §12.2). */
  previous?: string;
}

/**
 * OIDC Core §3.1.3.7 (and §12.2 for a refreshed one): signature against the issuer's JWKS, `iss`,
 * `aud`, `exp`, `nonce` when one was sent, and the same `sub` as the token it renews. Without an
 * issuer or a JWKS the token cannot be validated: a warning says so.
 */
export async function checkIdToken(idToken: string, opts: IdTokenCheck, ctx: AppContext): Promise<void> {
  const issuer = opts.endpoints.issuer;
  let jwksUri = opts.endpoints.jwks_uri;
  if (!jwksUri && issuer) jwksUri = (await resolveEndpoints(opts.settings, ['jwks_uri'], ctx, { required: false })).jwks_uri;
  if (!issuer || !jwksUri) {
    ctx.warn(`the ID token was not validated: ${issuer ? 'no jwks_uri is known' : 'no issuer is known'}`);
    return;
  }
  // The checks and the key set load only when an ID token came back (a renewal often has none).
  const [{ checkIdTokenSubjectUnchanged, validateIdToken }, { remoteJwks }] = await Promise.all([import('../../jwt/id-token.js'), import('../../jwt/jwks.js')]);
  const claims = await validateIdToken(idToken, {
    issuer,
    clientId: opts.clientId,
    ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}),
    jwks: remoteJwks(ctx.http, jwksUri),
    now: ctx.now,
  });
  if (opts.previous !== undefined) {
    const sub = claimsOf(opts.previous)?.sub;
    checkIdTokenSubjectUnchanged(claims, typeof sub === 'string' ? sub : undefined);
  }
  ctx.note(`ID token validated (signature, iss, aud, exp${opts.nonce !== undefined ? ', nonce' : ''}${opts.previous !== undefined ? ', same sub' : ''})`);
}

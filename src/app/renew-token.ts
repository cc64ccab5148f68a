import type { Profile } from '../config/profile.js';
import { LoginRequiredError, OAuthError } from '../errors.js';
import type { FormParams } from '../oauth/pipeline.js';
import { tokenRequest } from '../oauth/token-request.js';
import type { StoreEntry, TokenSet, TokenStore } from '../store/types.js';
import { withTokenSetDefaults, type AcquireRequest } from './acquire-token.js';
import { authServerAt } from './auth-server.js';
import { withClientCertificate } from './client-certificate.js';
import { clientCredentials } from './client.js';
import type { AppContext } from './context.js';
import { checkIdToken } from './grants/finish.js';
import { canRepeatGrant, REPEATABLE_GRANTS } from './grants/repeat.js';
import { login } from './login.js';
import { certificatePaths, needsRenewal, toTokenSet, withDpopKey } from './token-set.js';

export interface RenewRequest extends AcquireRequest {
  /** `token refresh`: renew even when the stored token is fresh. */
  force?: boolean;
  /** An access token an API just rejected (401): renew unless another process already did. */
  rejected?: string;
}

/**
 * Single-flight renewal across processes (SPEC "Token store"): under the profile's lock, re-read
 * the store; if another process renewed meanwhile, use its token; else refresh (or, for
 * client_credentials, obtain a new token) and save the result before returning it, so a rotated
 * refresh token is never lost. A response without `refresh_token` keeps the old one; one without
 * `authorization_details` keeps the old ones too (RFC 9396 §7).
 */
export async function renewToken(req: RenewRequest, ctx: AppContext): Promise<TokenSet> {
  return ctx.withProfileLock(req.profile, async () => {
    const store = await ctx.store();
    const entry: StoreEntry = (await store.get(req.profile)) ?? {};
    const current = entry.tokens;
    if (current && !req.force) {
      const renewedElsewhere = req.rejected !== undefined && current.access_token !== req.rejected;
      if (renewedElsewhere || (req.rejected === undefined && !needsRenewal(current, ctx.now(), req.minTtl))) {
        ctx.note('another process renewed the token meanwhile; using it');
        return current;
      }
    }
    const settings = withTokenSetDefaults(req.settings, current);
    const clientSecret = req.clientSecret ?? entry.client_secret;
    ctx.redactor.addSecret(clientSecret);
    let tokens: TokenSet;
    if (current?.refresh_token) {
      ctx.note('refreshing the access token');
      tokens = await refresh(current, settings, clientSecret, req.profile, store, entry, ctx);
    } else if ((settings.grant ?? current?.grant) === 'client_credentials') {
      ctx.note(current ? 'requesting a new client_credentials token' : 'no stored token; requesting one');
      tokens = await login({ settings, grant: 'client_credentials', ...(clientSecret !== undefined ? { clientSecret } : {}), ...(current?.dpop_key ? { dpopKey: current.dpop_key } : {}) }, ctx);
    } else if (repeatableGrant(settings, current)) {
      // SPEC "More grants": no refresh token, but every source can be read again.
      const grant = (settings.grant ?? current?.grant) as string;
      ctx.note(`running the ${grant} grant again`);
      tokens = await login({ settings, grant, profile: req.profile, ...(clientSecret !== undefined ? { clientSecret } : {}) }, ctx);
    } else {
      throw new LoginRequiredError(
        current
          ? `the access token of profile '${req.profile}' ${req.force ? 'cannot be refreshed (no refresh token)' : `has expired and cannot be renewed${whyNotRepeatable(current)}`}`
          : `no token stored for profile '${req.profile}'`,
      );
    }
    await store.put(req.profile, { ...entry, tokens, ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}) });
    return tokens;
  });
}

/** token_exchange / jwt_bearer whose token sources can all be read again (or that sign their own assertion). */
function repeatableGrant(settings: Profile, current: TokenSet | undefined): boolean {
  const grant = settings.grant ?? current?.grant;
  return grant !== undefined && REPEATABLE_GRANTS.has(grant) && canRepeatGrant(grant, settings);
}

function whyNotRepeatable(current: TokenSet): string {
  if (current.grant === 'token_exchange') return ' (its subject token was given as a value or on stdin, which cannot be read again)';
  if (current.grant === 'jwt_bearer') return ' (its assertion was given as a value or on stdin, which cannot be read again)';
  return '';
}

/**
 * RFC 6749 §6. `invalid_grant` means the session is over: the dead token set is removed from the
 * store and login is required (exit 5). A new ID token is validated like the first one, and must
 * name the same `sub` (OIDC Core §12.2); otherwise nothing is stored.
 */
async function refresh(
  current: TokenSet,
  settings: Profile,
  clientSecret: string | undefined,
  profile: string,
  store: TokenStore,
  entry: StoreEntry,
  ctx: AppContext,
): Promise<TokenSet> {
  try {
    const next = await refreshTokenGrant(current, settings, clientSecret, { resource: settings.resource }, ctx);
    next.refresh_token ??= current.refresh_token;
    if (next.scope === undefined && current.scope !== undefined) next.scope = current.scope;
    if (next.id_token === undefined && current.id_token !== undefined) next.id_token = current.id_token;
    if (current.issued_token_type !== undefined) next.issued_token_type ??= current.issued_token_type;
    // RFC 9396 §7: a refreshed token has the details of the one it renews unless the server says otherwise.
    if (current.authorization_details !== undefined) next.authorization_details ??= current.authorization_details;
    if (current.grant_inputs !== undefined) next.grant_inputs = current.grant_inputs;
    return next;
  } catch (err) {
    if (err instanceof OAuthError && err.error === 'invalid_grant') {
      const { tokens: _dead, narrow: _narrow, ...rest } = entry;
      await store.put(profile, rest);
      throw new LoginRequiredError(`the refresh token of profile '${profile}' is no longer valid (invalid_grant); the stored tokens were removed`);
    }
    throw err;
  }
}

/**
 * One refresh_token grant with `current`'s refresh token (RFC 6749 §6), with `params` such as
 * `scope`, `audience` and `resource` (RFC 8707 §2.2) for a narrower token. A new ID token is
 * validated like the first one and must name the same `sub` (OIDC Core §12.2). The answer as a
 * token set: what the server left out (a rotated refresh token, the scope) is the caller's to keep.
 */
export async function refreshTokenGrant(
  current: TokenSet,
  settings: Profile,
  clientSecret: string | undefined,
  params: FormParams,
  ctx: AppContext,
): Promise<TokenSet> {
  const client = await clientCredentials(settings, clientSecret);
  const tokenEndpoint = current.token_endpoint || settings.token_endpoint;
  if (!tokenEndpoint) throw new LoginRequiredError('the stored token set does not say where to refresh it');
  const endpoints = { token_endpoint: tokenEndpoint, ...(current.issuer ? { issuer: current.issuer } : {}) };
  // RFC 9449 §5: a DPoP-bound token set is refreshed with a proof of the same key.
  const dpop = current.dpop_key ? await (await import('../oauth/dpop.js')).DpopSigner.fromStored(current.dpop_key) : undefined;
  const res = await tokenRequest(authServerAt(endpoints, client, await withClientCertificate(settings, ctx), dpop), {
    grant_type: 'refresh_token',
    refresh_token: current.refresh_token,
    ...params,
  });
  for (const secret of [res.access_token, res.refresh_token, res.id_token]) ctx.redactor.addSecret(secret);
  if (res.id_token) {
    await checkIdToken(res.id_token, { settings, endpoints, clientId: client.clientId, ...(current.id_token ? { previous: current.id_token } : {}) }, ctx);
  }
  return withDpopKey(
    toTokenSet(
      res,
      {
        ...(current.issuer ? { issuer: current.issuer } : {}),
        token_endpoint: tokenEndpoint,
        client_id: client.clientId,
        client_auth: client.method,
        grant: current.grant ?? 'refresh_token',
        ...(current.private_key ? { private_key: current.private_key } : {}),
        ...certificatePaths(settings),
      },
      ctx.now(),
    ),
    dpop,
  );
}

import type { Profile } from '../config/profile.js';
import type { StoreEntry, StoreKind } from '../store/types.js';
import { withTokenSetDefaults } from './acquire-token.js';
import { subjectOf } from './claims.js';
import { canRepeatGrant } from './grants/repeat.js';
import type { AppContext } from './context.js';
import { needsRenewal, secondsLeft } from './token-set.js';

/** SPEC `status`: whether a profile can produce a token without the user. */
export type TokenState = 'valid' | 'expiring' | 'expired' | 'renewable' | 'login_required' | 'revoked';

/** The states `status` exits 0 for; any other is exit 5. */
export const USABLE_STATES: readonly TokenState[] = ['valid', 'expiring', 'renewable'];

export interface ProfileStatus {
  profile: string;
  state: TokenState;
  /** Epoch seconds; null when unknown or no token. */
  expiresAt: number | null;
  expiresIn: number | null;
  subject: string | null;
  scope: string | null;
  /** A refresh token is held. */
  refreshable: boolean;
  store: StoreKind;
}

export interface StatusInput {
  profile: string;
  /** Flags > env > saved profile. */
  settings: Profile;
  /** A client secret is available to this run outside the store (flag, env). */
  secretGiven: boolean;
  minTtl?: number;
}

/**
 * Offline: the stored set's expiry against the refresh margin (the one `token` uses), and what
 * could renew it without the user — a refresh token, a client-credentials grant with a secret
 * or key at hand, or a token exchange / JWT bearer grant whose sources can be read again. A token rejected by a tool (`git-credential erase`) counts as expired.
 */
export function offlineStatus(input: StatusInput, entry: StoreEntry | undefined, store: StoreKind, nowMs: number): ProfileStatus {
  const tokens = entry?.tokens;
  const settings = withTokenSetDefaults(input.settings, tokens);
  const refreshable = typeof tokens?.refresh_token === 'string';
  const clientCredentials =
    settings.grant === 'client_credentials' &&
    (input.secretGiven || entry?.client_secret !== undefined || settings.private_key !== undefined);
  // token_exchange / jwt_bearer run again from sources that can be read again (SPEC "More grants").
  const repeatable = settings.grant !== undefined && canRepeatGrant(settings.grant, settings);
  const renewable = refreshable || clientCredentials || repeatable;
  const left = tokens ? secondsLeft(tokens, nowMs) : null;
  let state: TokenState;
  if (!tokens) state = renewable ? 'renewable' : 'login_required';
  else if (tokens.rejected === true || (left !== null && left <= 0)) state = renewable ? 'renewable' : 'expired';
  else state = needsRenewal(tokens, nowMs, input.minTtl) ? 'expiring' : 'valid';
  return {
    profile: input.profile,
    state,
    expiresAt: tokens && typeof tokens.expires_at === 'number' ? tokens.expires_at : null,
    expiresIn: left,
    subject: (tokens && subjectOf(tokens)) ?? null,
    scope: tokens?.scope ?? null,
    refreshable,
    store,
  };
}

/**
 * `status --check`: asks the server once whether the stored access token is active — RFC 7662
 * introspection when an endpoint is known, else OIDC UserInfo (a 401 is "not active"). Only a
 * token that is `valid` or `expiring` offline is asked about; one the server calls inactive is
 * `revoked`.
 */
export async function checkStatus(status: ProfileStatus, input: StatusInput & { clientSecret?: string }, entry: StoreEntry | undefined, ctx: AppContext): Promise<ProfileStatus> {
  const tokens = entry?.tokens;
  if (!tokens || (status.state !== 'valid' && status.state !== 'expiring')) return status;
  const settings = withTokenSetDefaults(input.settings, tokens);
  const clientSecret = input.clientSecret ?? entry?.client_secret;
  ctx.redactor.addSecret(clientSecret);
  ctx.redactor.addSecret(tokens.access_token);
  const { resolveEndpoints } = await import('./endpoints.js');
  const { authServerAt } = await import('./auth-server.js');
  const { withClientCertificate } = await import('./client-certificate.js');
  ctx = await withClientCertificate(settings, ctx);
  const endpoints = await resolveEndpoints(settings, ['introspection_endpoint', 'userinfo_endpoint'], ctx, { required: false });
  let active: boolean;
  if (endpoints.introspection_endpoint) {
    const { clientCredentials } = await import('./client.js');
    const { introspectionRequest } = await import('../oauth/introspect.js');
    const as = authServerAt(endpoints, await clientCredentials(settings, clientSecret), ctx);
    active = (await introspectionRequest(as, { token: tokens.access_token, tokenTypeHint: 'access_token' })).active;
  } else if (endpoints.userinfo_endpoint) {
    const { userinfoRequest } = await import('../oauth/userinfo.js');
    active = (await userinfoRequest(authServerAt(endpoints, undefined, ctx), tokens.access_token)) !== undefined;
  } else {
    const { UsageError } = await import('../errors.js');
    throw new UsageError(`cannot check profile '${status.profile}': it has neither an introspection nor a userinfo endpoint`, {
      code: 'missing_endpoint',
      attribute: 'introspection_endpoint',
    });
  }
  return active ? status : { ...status, state: 'revoked' };
}

import { isClientAuthMethod, isGrant, type Profile } from '../config/profile.js';
import type { TokenSet, TokenTarget } from '../store/types.js';
import type { AppContext } from './context.js';
import { needsRenewal } from './token-set.js';

export type { RenewRequest } from './renew-token.js';

export interface AcquireRequest {
  profile: string;
  /** Flags > env > saved profile, already merged. */
  settings: Profile;
  /** A secret given for this run (flag, stdin, env); the stored one is the fallback. */
  clientSecret?: string;
  minTtl?: number;
}

/**
 * `token`, `call`, `userinfo`, `introspect`: the stored token when it is fresh enough, else a
 * renewed one. Never interactive: when only the user could help, login is required (exit 5).
 */
export async function acquireToken(req: AcquireRequest, ctx: AppContext): Promise<TokenSet> {
  const current = (await (await ctx.store()).get(req.profile))?.tokens;
  if (current && !needsRenewal(current, ctx.now(), req.minTtl)) return current;
  // Renewal (token requests, client authentication, every grant) loads only when needed.
  const { renewToken } = await import('./renew-token.js');
  return renewToken(req, ctx);
}

/**
 * The access token for this call: the profile's own, or the narrower one for `target` (whose
 * cache and renewal, app/narrow-token.ts, load only when a target is given).
 */
export async function acquireTokenFor(req: AcquireRequest, target: TokenTarget | undefined, ctx: AppContext): Promise<TokenSet> {
  if (!target) return acquireToken(req, ctx);
  const { acquireNarrowToken } = await import('./narrow-token.js');
  return acquireNarrowToken({ ...req, target }, ctx);
}

/** What a stored token set knows fills in for a missing profile: `login` with flags, then bare `token`. */
export function withTokenSetDefaults(settings: Profile, tokens: TokenSet | undefined): Profile {
  if (!tokens) return settings;
  const fromSet: Profile = {};
  if (tokens.token_endpoint) fromSet.token_endpoint = tokens.token_endpoint;
  if (tokens.issuer) fromSet.issuer = tokens.issuer;
  if (tokens.client_id) fromSet.client_id = tokens.client_id;
  if (isClientAuthMethod(tokens.client_auth)) fromSet.client_auth = tokens.client_auth;
  if (tokens.private_key) fromSet.private_key = tokens.private_key;
  if (tokens.tls_client_cert) fromSet.tls_client_cert = tokens.tls_client_cert;
  if (tokens.tls_client_key) fromSet.tls_client_key = tokens.tls_client_key;
  if (isGrant(tokens.grant)) fromSet.grant = tokens.grant;
  if (tokens.scope) fromSet.scope = tokens.scope;
  // token_exchange / jwt_bearer: the grant's inputs, sources by description only.
  return { ...fromSet, ...tokens.grant_inputs, ...settings };
}


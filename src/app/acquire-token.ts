import type { Profile } from '../config/profile.js';
import { LoginRequiredError, OAuthError } from '../errors.js';
import { tokenRequest } from '../oauth/token-request.js';
import type { StoreEntry, TokenSet } from '../store/types.js';
import { clientCredentials } from './client.js';
import type { AppContext } from './context.js';
import { login } from './login.js';
import { needsRenewal, toTokenSet } from './token-set.js';

export interface AcquireRequest {
  profile: string;
  /** Flags > env > saved profile, already merged. */
  settings: Profile;
  /** A secret given for this run (flag, stdin, env); the stored one is the fallback. */
  clientSecret?: string;
  minTtl?: number;
}

/**
 * `token`: the stored token when it is fresh enough; else a refresh when a refresh token is
 * stored; else, for client_credentials, a new token; else login is required (exit 5). A command
 * that may not talk to the user never starts an interactive grant.
 */
export async function acquireToken(req: AcquireRequest, ctx: AppContext): Promise<TokenSet> {
  const store = await ctx.store();
  const entry: StoreEntry = (await store.get(req.profile)) ?? {};
  const current = entry.tokens;
  if (current && !needsRenewal(current, ctx.now(), req.minTtl)) return current;

  const settings = withTokenSetDefaults(req.settings, current);
  const clientSecret = req.clientSecret ?? entry.client_secret;
  ctx.redactor.addSecret(clientSecret);
  let tokens: TokenSet;
  if (current?.refresh_token) {
    ctx.note('access token expired or about to expire; refreshing');
    tokens = await refresh(current, settings, clientSecret, req.profile, ctx);
  } else if ((settings.grant ?? current?.grant) === 'client_credentials') {
    ctx.note(current ? 'access token expired or about to; requesting a new one' : 'no stored token; requesting one');
    tokens = await login({ settings, grant: 'client_credentials', clientSecret }, ctx);
  } else {
    throw new LoginRequiredError(
      current ? `the access token of profile '${req.profile}' has expired and cannot be renewed` : `no token stored for profile '${req.profile}'`,
    );
  }
  await store.put(req.profile, { ...entry, tokens, ...(clientSecret ? { client_secret: clientSecret } : {}) });
  return tokens;
}

/** What a stored token set knows fills in for a missing profile: `login` with flags, then bare `token`. */
function withTokenSetDefaults(settings: Profile, tokens: TokenSet | undefined): Profile {
  if (!tokens) return settings;
  const fromSet: Profile = {};
  if (tokens.token_endpoint) fromSet.token_endpoint = tokens.token_endpoint;
  if (tokens.issuer) fromSet.issuer = tokens.issuer;
  if (tokens.client_id) fromSet.client_id = tokens.client_id;
  if (tokens.client_auth) fromSet.client_auth = tokens.client_auth;
  if (tokens.grant) fromSet.grant = tokens.grant;
  if (tokens.scope) fromSet.scope = tokens.scope;
  return { ...fromSet, ...settings };
}

/**
 * RFC 6749 §6. A response without `refresh_token` keeps the old one. `invalid_grant` means the
 * session is over: the dead token set is removed and login is required.
 */
async function refresh(current: TokenSet, settings: Profile, clientSecret: string | undefined, profile: string, ctx: AppContext): Promise<TokenSet> {
  const client = await clientCredentials(settings, clientSecret);
  const tokenEndpoint = current.token_endpoint ?? settings.token_endpoint;
  if (!tokenEndpoint) throw new LoginRequiredError('the stored token set does not say where to refresh it');
  try {
    const res = await tokenRequest(ctx.http, {
      tokenEndpoint,
      params: { grant_type: 'refresh_token', refresh_token: current.refresh_token },
      client,
      now: ctx.now,
      warn: ctx.warn,
      note: ctx.note,
    });
    const next = toTokenSet(res, originOf(current, tokenEndpoint, client.clientId, client.method), ctx.now());
    next.refresh_token ??= current.refresh_token;
    if (next.scope === undefined && current.scope !== undefined) next.scope = current.scope;
    if (next.id_token === undefined && current.id_token !== undefined) next.id_token = current.id_token;
    return next;
  } catch (err) {
    if (err instanceof OAuthError && err.error === 'invalid_grant') {
      const store = await ctx.store();
      const entry = (await store.get(profile)) ?? {};
      delete entry.tokens;
      await store.put(profile, entry);
      throw new LoginRequiredError(`the refresh token of profile '${profile}' is no longer valid (invalid_grant)`);
    }
    throw err;
  }
}

function originOf(current: TokenSet, tokenEndpoint: string, clientId: string, method: string) {
  return {
    ...(current.issuer ? { issuer: current.issuer } : {}),
    token_endpoint: tokenEndpoint,
    client_id: clientId,
    client_auth: method,
    grant: current.grant ?? 'refresh_token',
  };
}

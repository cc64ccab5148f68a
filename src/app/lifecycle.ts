import { LoginRequiredError, ProtocolError, TransportError } from '../errors.js';
import { introspectionRequest, type Introspection } from '../oauth/introspect.js';
import { revocationRequest } from '../oauth/revoke.js';
import { userinfoRequest } from '../oauth/userinfo.js';
import type { StoreEntry } from '../store/types.js';
import { acquireToken, withTokenSetDefaults, type AcquireRequest } from './acquire-token.js';
import { authServerAt, connect } from './auth-server.js';
import { withClientCertificate } from './client-certificate.js';
import type { AppContext } from './context.js';
import { resolveEndpoints } from './endpoints.js';

/** The stored entry and the settings completed by what its token set knows (issuer, client, …). */
async function storedSession(req: AcquireRequest, ctx: AppContext) {
  const store = await ctx.store();
  const entry: StoreEntry = (await store.get(req.profile)) ?? {};
  const settings = withTokenSetDefaults(req.settings, entry.tokens);
  const clientSecret = req.clientSecret ?? entry.client_secret;
  ctx.redactor.addSecret(clientSecret);
  return { store, entry, settings, clientSecret };
}

export interface RevokeResult {
  /** Which tokens the server was asked to revoke. */
  revoked: ('refresh_token' | 'access_token')[];
  /** Set when the tokens were only forgotten locally (logout without a reachable server). */
  localOnly?: string;
}

/**
 * `token revoke` (RFC 7009 §2.1): the refresh token first (revoking it usually ends the grant),
 * then the access token, with the client's authentication; only then are the tokens removed from
 * the store. `logout` (`lenient`) also works without a revocation endpoint or offline: the tokens
 * are forgotten with a warning.
 */
export async function revokeTokens(req: AcquireRequest, ctx: AppContext, opts: { lenient: boolean }): Promise<RevokeResult> {
  return ctx.withProfileLock(req.profile, async () => {
    const { store, entry, settings, clientSecret } = await storedSession(req, ctx);
    const tokens = entry.tokens;
    if (!tokens) throw new LoginRequiredError(`no token stored for profile '${req.profile}'`, { hint: 'nothing to revoke' });
    const result: RevokeResult = { revoked: [] };
    try {
      const as = await connect(settings, clientSecret, ['revocation_endpoint'], ctx, { required: !opts.lenient });
      if (as.endpoints.revocation_endpoint) {
        const pairs: [string | undefined, 'refresh_token' | 'access_token'][] = [
          [tokens.refresh_token, 'refresh_token'],
          [tokens.access_token, 'access_token'],
        ];
        for (const [token, hint] of pairs) {
          if (!token) continue;
          await revocationRequest(as, { token, tokenTypeHint: hint });
          result.revoked.push(hint);
        }
      } else {
        result.localOnly = 'the server has no revocation endpoint';
      }
    } catch (err) {
      if (!opts.lenient || !(err instanceof TransportError || err instanceof ProtocolError)) throw err;
      result.localOnly = err.message;
      ctx.warn(`could not revoke at the server (${err.message}); forgetting the tokens anyway`);
    }
    const { tokens: _gone, narrow: _narrow, ...rest } = entry;
    if (Object.keys(rest).length > 0) await store.put(req.profile, rest);
    else await store.delete(req.profile);
    return result;
  });
}

/** `introspect` (RFC 7662): the given token, or the stored (renewed if needed) access token. */
export async function introspectToken(req: AcquireRequest & { token?: string }, ctx: AppContext): Promise<Introspection> {
  const token = req.token ?? (await acquireToken(req, ctx)).access_token;
  const { settings, clientSecret } = await storedSession(req, ctx);
  const as = await connect(settings, clientSecret, ['introspection_endpoint'], ctx);
  return introspectionRequest(as, { token, ...(req.token === undefined ? { tokenTypeHint: 'access_token' as const } : {}) });
}

/** `userinfo` (OIDC Core §5.3) with the stored token; a 401 renews the token once and retries. */
export async function fetchUserinfo(req: AcquireRequest, ctx: AppContext): Promise<Record<string, unknown>> {
  const tokens = await acquireToken(req, ctx);
  const { settings } = await storedSession(req, ctx);
  const certified = await withClientCertificate(settings, ctx);
  const as = authServerAt(await resolveEndpoints(settings, ['userinfo_endpoint'], certified), undefined, certified);
  const first = await userinfoRequest(as, tokens.access_token);
  if (first) return first;
  ctx.note('the userinfo endpoint rejected the access token (401); renewing it once');
  const { renewToken } = await import('./renew-token.js');
  const renewed = await renewToken({ ...req, rejected: tokens.access_token }, ctx);
  const second = await userinfoRequest(as, renewed.access_token);
  if (second) return second;
  throw new LoginRequiredError('the userinfo endpoint rejects the access token (401) even after renewing it');
}

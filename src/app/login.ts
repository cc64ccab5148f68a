import type { Profile } from '../config/profile.js';

export { defaultGrant } from '../config/profile.js';
import { UsageError } from '../errors.js';
import type { TokenSet, TokenTarget } from '../store/types.js';
import type { AppContext } from './context.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import type { Interaction } from './interaction.js';
import type { DpopSigner } from '../oauth/dpop.js';
import type { AuthorizationDetail } from '../oauth/rar.js';
import { RAR_GRANTS, resolveAuthorizationDetails } from './authorization-details.js';

export interface LoginRequest {
  settings: Profile;
  /** The profile the tokens are for (a `profile:` token source may not name it). */
  profile?: string;
  grant: string;
  clientSecret?: string;
  /** Password grant. */
  username?: string;
  password?: string;
  /** Authorization code: listener port (`--port`), and `--manual`. */
  port?: number;
  manual?: boolean;
  /** client_credentials: a narrower token for exactly these values instead of the profile's. */
  target?: TokenTarget;
  /** RFC 9449: the key a renewal keeps using (a client_credentials token set's own key). */
  dpopKey?: { alg: string; jwk: Record<string, unknown> };
  /** Set by `login` from `dpopKey` or the profile's `dpop`: the grants' DPoP signer. */
  dpop?: DpopSigner;
  /** Set by `login` from the profile's `authorization_details` (RFC 9396), read and checked. */
  authorizationDetails?: AuthorizationDetail[];
}

/**
 * Obtains a token set with the requested grant. Storing it is the caller's business. Each grant
 * but client_credentials loads when used: a renewal (which may run a grant again) does not load
 * the loopback listener, the device flow or the password grant.
 */
export async function login(request: LoginRequest, ctx: AppContext, io?: Interaction): Promise<TokenSet> {
  const req = await withAuthorizationDetails(await withDpop(request), ctx);
  switch (req.grant) {
    case 'client_credentials':
      return clientCredentialsGrant(req, ctx);
    case 'password':
      return (await import('./grants/password.js')).passwordGrant(req, ctx);
    case 'token_exchange':
      return (await import('./grants/token-exchange.js')).tokenExchangeGrant(req, ctx);
    case 'jwt_bearer':
      return (await import('./grants/jwt-bearer.js')).jwtBearerGrant(req, ctx);
    case 'authorization_code':
    case 'implicit':
    case 'device_code':
      if (!io) throw new UsageError(`the ${req.grant} grant needs a user`);
      if (req.grant === 'device_code') return (await import('./grants/device.js')).deviceCodeGrant(req, ctx, io);
      if (req.grant === 'implicit') return (await import('./grants/implicit.js')).implicitGrant(req, ctx, io);
      return (await import('./grants/authorization-code.js')).authorizationCodeGrant(req, ctx, io);
    case 'refresh_token':
      throw new UsageError('use `oauthctl token refresh` to refresh the stored token set');
    default:
      throw new UsageError(`unknown grant '${req.grant}'`);
  }
}

/**
 * RFC 9396: the authorization details read and checked before any request (exit 2 otherwise); a
 * grant that cannot carry them is told so once, and goes on without them.
 */
async function withAuthorizationDetails(req: LoginRequest, ctx: AppContext): Promise<LoginRequest> {
  const details = await resolveAuthorizationDetails(req.settings.authorization_details, ctx);
  if (details === undefined) return req;
  if (!RAR_GRANTS.has(req.grant)) {
    ctx.warn(`authorization_details are not sent with the ${req.grant} grant (only with ${[...RAR_GRANTS].join(', ')})`);
    return req;
  }
  return { ...req, authorizationDetails: details };
}

/**
 * RFC 9449: a DPoP login makes a new key pair for the profile (`dpop`, `dpop_alg`); a renewal by
 * a new grant keeps the token set's key. Loaded only when used (jose's key generation).
 */
async function withDpop(req: LoginRequest): Promise<LoginRequest> {
  if (req.dpop || (!req.dpopKey && !req.settings.dpop)) return req;
  const { DpopSigner, DEFAULT_DPOP_ALG, isDpopAlg } = await import('../oauth/dpop.js');
  if (req.dpopKey) return { ...req, dpop: await DpopSigner.fromStored(req.dpopKey) };
  const alg = req.settings.dpop_alg;
  return { ...req, dpop: await DpopSigner.generate(isDpopAlg(alg) ? alg : DEFAULT_DPOP_ALG) };
}

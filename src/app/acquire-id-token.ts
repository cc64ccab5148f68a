import { LoginRequiredError } from '../errors.js';
import type { TokenSet } from '../store/types.js';
import { acquireToken, type AcquireRequest } from './acquire-token.js';
import { claimsOf } from './claims.js';
import type { AppContext } from './context.js';
import { needsRenewal } from './token-set.js';

/** An ID token and its expiry (epoch seconds, null when it has no numeric `exp`). */
export interface CurrentIdToken {
  idToken: string;
  expiresAt: number | null;
  tokens: TokenSet;
}

/**
 * `token --id-token` (SPEC "Using tokens elsewhere"): the stored ID token, renewed first with the
 * refresh token when it has expired or is inside the same margin as an access token. A refresh
 * answer without `id_token` keeps the old one, which is then login required (exit 5) when it has
 * expired; no ID token at all is login required too.
 */
export async function acquireIdToken(req: AcquireRequest, ctx: AppContext): Promise<CurrentIdToken> {
  let tokens = await acquireToken(req, ctx);
  if (!tokens.id_token) throw new LoginRequiredError(`profile '${req.profile}' holds no ID token`, { hint: "log in with the 'openid' scope" });
  if (idTokenNeedsRenewal(tokens.id_token, ctx.now(), req.minTtl) && tokens.refresh_token) {
    const { renewToken } = await import('./renew-token.js');
    tokens = await renewToken({ ...req, force: true }, ctx);
  }
  const idToken = tokens.id_token as string;
  const expiresAt = idTokenExpiry(idToken);
  if (expiresAt !== null && expiresAt <= Math.floor(ctx.now() / 1000)) {
    throw new LoginRequiredError(`the ID token of profile '${req.profile}' has expired and the server did not issue a new one`);
  }
  return { idToken, expiresAt, tokens };
}

/** The ID token's `exp` (OIDC Core §2), or null. */
export function idTokenExpiry(idToken: string): number | null {
  const exp = claimsOf(idToken)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp : null;
}

/** The access token's margin rule, applied to the ID token's `iat`…`exp`. */
function idTokenNeedsRenewal(idToken: string, nowMs: number, minTtl?: number): boolean {
  const claims = claimsOf(idToken);
  const exp = idTokenExpiry(idToken);
  if (exp === null) return false;
  const iat = typeof claims?.iat === 'number' ? claims.iat : exp;
  return needsRenewal({ access_token: '', token_type: 'Bearer', expires_at: exp, obtained_at: iat }, nowMs, minTtl);
}

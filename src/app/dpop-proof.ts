/**
 * `token proof METHOD URL`: one DPoP proof (RFC 9449 §7) for a request the user makes with
 * another tool, bound to the stored access token (`ath`), which is renewed first when needed.
 */
import { UsageError } from '../errors.js';
import { acquireToken, type AcquireRequest } from './acquire-token.js';
import type { AppContext } from './context.js';

export interface ProofRequest extends AcquireRequest {
  /** The request's method, upper-case. */
  method: string;
  /** The request's absolute URL. */
  url: string;
  /** A nonce the API gave (`DPoP-Nonce`, RFC 9449 §9). */
  nonce?: string;
}

/**
 * @throws UsageError `not_dpop_bound` when the stored token has no DPoP key; the acquisition's
 *   errors (login required, …) otherwise.
 */
export async function dpopProofForStoredToken(req: ProofRequest, ctx: AppContext): Promise<string> {
  const tokens = await acquireToken(req, ctx);
  if (!tokens.dpop_key) {
    throw new UsageError(`the access token of profile '${req.profile}' is not DPoP-bound (token_type ${tokens.token_type})`, { code: 'not_dpop_bound' });
  }
  // The signer and the part of jose it signs with load once the token is known to be DPoP-bound.
  const { DpopSigner } = await import('../oauth/dpop.js');
  const signer = await DpopSigner.fromStored(tokens.dpop_key, tokens.dpop_jkt);
  return signer.proof({ method: req.method, url: req.url, accessToken: tokens.access_token, ...(req.nonce !== undefined ? { nonce: req.nonce } : {}), now: ctx.now() });
}

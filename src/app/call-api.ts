/**
 * `call`: reach a protected resource with the stored access token (RFC 6750), renewing it once
 * when the API answers 401. Protocol only: no commander, no terminal. The caller receives the
 * live response (body unread) and decides how to render it.
 */
import { UsageError, LoginRequiredError } from '../errors.js';
import type { HttpRequest } from '../http/types.js';
import { safeUrl } from '../http/safe-url.js';
import { readStepUpChallenge } from '../oauth/www-authenticate.js';
import type { TokenSet } from '../store/types.js';
import { acquireToken, withTokenSetDefaults, type AcquireRequest } from './acquire-token.js';
import { withClientCertificate } from './client-certificate.js';
import type { RenewRequest } from './renew-token.js';
import type { AppContext } from './context.js';
import { assertSecureUrl } from './endpoints.js';
import { authorizationScheme } from './token-set.js';

export { authorizationScheme };
import { isResourceNonceChallenge } from '../oauth/dpop-signals.js';

/** Where the access token travels (RFC 6750 §2.1 header, §2.2 form body, §2.3 query). */
export type BearerPlacement = 'header' | 'query' | 'form';
export const BEARER_PLACEMENTS: readonly BearerPlacement[] = ['header', 'query', 'form'];

/** A request ready to have the token placed in it. The body is buffered so a retry can resend it. */
export interface CallSpec {
  /** Upper-case. */
  method: string;
  /** Absolute http(s) URL. */
  url: string;
  /** Lower-cased names; the user's values (repeated names joined with ", "). */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  bearerIn: BearerPlacement;
  /**
   * The only origin the profile's token may be sent to (its API base URL's); undefined: any.
   * @see SPEC "Safety"
   */
  tokenOrigin?: string;
}

export interface CallResult {
  /** The final answer, body unread. */
  response: Response;
  method: string;
  /** The URL without userinfo, query or fragment: fit for messages (the query may hold the token). */
  displayUrl: string;
  /** The token was renewed after a 401 and the request repeated. */
  renewed: boolean;
}

/**
 * SPEC "Safety": a profile's token goes only to the origin of its API base URL. Checked before
 * any token is read or any request made.
 */
export function assertTokenOrigin(url: string, tokenOrigin: string | undefined): void {
  if (tokenOrigin === undefined) return;
  const origin = new URL(url).origin;
  if (origin !== tokenOrigin) {
    throw new UsageError(`refusing to send the access token to ${origin}: the API base URL's origin is ${tokenOrigin}`, {
      code: 'token_origin_mismatch',
    });
  }
}

/**
 * The user gave their own `Authorization` header with the token in the header: theirs is sent
 * unchanged, no token is acquired and a 401 is not retried (renewing ours could not help).
 */
export function hasUserAuthorization(spec: CallSpec): boolean {
  return spec.bearerIn === 'header' && spec.headers.authorization !== undefined;
}


/**
 * Places the access token as RFC 6750 says: `Authorization: Bearer` (§2.1), the
 * `access_token` form parameter (§2.2), or the `access_token` query parameter (§2.3).
 * Without a token (the user's own Authorization header) the request goes as given.
 */
export function buildHttpRequest(spec: CallSpec, token: Pick<TokenSet, 'access_token' | 'token_type'> | undefined, dpopProof?: string): HttpRequest {
  const headers = { ...spec.headers };
  // RFC 9449 §7.1: a DPoP-bound token travels as `Authorization: DPoP` with its proof.
  if (dpopProof !== undefined) headers.dpop = dpopProof;
  let url = spec.url;
  let body = spec.body;
  if (token) {
    if (spec.bearerIn === 'header') {
      headers.authorization = `${authorizationScheme(token.token_type)} ${token.access_token}`;
    } else if (spec.bearerIn === 'query') {
      const u = new URL(url);
      u.searchParams.append('access_token', token.access_token);
      url = u.toString();
    } else {
      const given = body === undefined ? '' : (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).replace(/[\r\n]+$/, '');
      const param = new URLSearchParams({ access_token: token.access_token }).toString();
      body = given ? `${given}&${param}` : param;
    }
  }
  return { method: spec.method, url, headers, ...(body !== undefined ? { body } : {}) };
}

/** The token use cases `callApi` relies on; tests may substitute them. */
export interface CallTokens {
  acquire: (req: AcquireRequest, ctx: AppContext) => Promise<TokenSet>;
  renew: (req: RenewRequest, ctx: AppContext) => Promise<TokenSet>;
}

const realTokens: CallTokens = {
  acquire: acquireToken,
  renew: async (req, ctx) => (await import('./renew-token.js')).renewToken(req, ctx),
};

/**
 * Sends the request with the current token; on a 401 (RFC 6750 §3.1 `invalid_token`) renews the
 * token once (`renewToken` with `rejected`, so a renewal made meanwhile by another process is
 * used instead) and repeats the request. The 401's body is discarded. A second 401 is the
 * caller's to report like any other API error.
 *
 * With a client certificate (profile, flags, or the stored token set's), every request presents
 * it: a certificate-bound token (RFC 8705 §3, `cnf.x5t#S256`) is accepted only with it.
 */
export async function callApi(spec: CallSpec, acquire: AcquireRequest, given: AppContext, tokens: CallTokens = realTokens): Promise<CallResult> {
  const displayUrl = safeUrl(spec.url);
  // RFC 6750 §5.3: a bearer token in clear text is anyone's token.
  assertSecureUrl(displayUrl, 'the API URL', given.insecure);
  let ctx = await withClientCertificate(acquire.settings, given);
  if (hasUserAuthorization(spec)) {
    ctx.note('an Authorization header was given: sending it instead of the stored token (no renewal on 401)');
    return { response: await ctx.http.stream(buildHttpRequest(spec, undefined)), method: spec.method, displayUrl, renewed: false };
  }

  assertTokenOrigin(spec.url, spec.tokenOrigin);
  const proofs = dpopProofs(spec, ctx);
  const send = async (token: TokenSet) => {
    const res = await ctx.http.stream(buildHttpRequest(spec, token, await proofs.next(token)));
    proofs.remember(res.headers);
    return res;
  };
  const first = await tokens.acquire(acquire, ctx);
  ctx = await withClientCertificate(withTokenSetDefaults(acquire.settings, first), ctx);
  useToken(first, spec, ctx);
  let response = await send(first);
  // RFC 9449 §9: the API wants a nonce in the proof; one retry with the nonce it gave.
  if (first.dpop_key && isResourceNonceChallenge(response.status, response.headers)) {
    await response.body?.cancel().catch(() => {});
    ctx.note(`${spec.method} ${displayUrl} asked for a DPoP nonce (use_dpop_nonce): repeating the request once with it`);
    response = await send(first);
  }
  // A step-up challenge (RFC 9470) asks for a new login, which a renewal cannot give; a nonce
  // refused twice is the API's problem, not the token's: no renewal for either.
  if (
    response.status !== 401 ||
    readStepUpChallenge(401, response.headers.get('www-authenticate')) ||
    (first.dpop_key && isResourceNonceChallenge(response.status, response.headers))
  ) {
    return { response, method: spec.method, displayUrl, renewed: false };
  }

  await response.body?.cancel().catch(() => {});
  ctx.note(`${spec.method} ${displayUrl} answered 401: renewing the access token once and repeating the request`);
  let second: TokenSet;
  try {
    second = await tokens.renew({ ...acquire, rejected: first.access_token }, ctx);
  } catch (err) {
    if (err instanceof LoginRequiredError) {
      throw new LoginRequiredError(`the API rejected the access token (401) and it cannot be renewed: ${err.message}`, { cause: err });
    }
    throw err;
  }
  useToken(second, spec, ctx);
  const repeated = await send(second);
  return { response: repeated, method: spec.method, displayUrl, renewed: true };
}

/**
 * Proofs for a DPoP-bound token (RFC 9449 §7): a fresh one per request, with `ath` and the nonce
 * the API gave last (remembered from every answer's `DPoP-Nonce`). Bearer tokens get none.
 */
function dpopProofs(spec: CallSpec, ctx: AppContext): { next(token: TokenSet): Promise<string | undefined>; remember(headers: Headers): void } {
  let signer: { jkt: string; value: import('../oauth/dpop.js').DpopSigner } | undefined;
  return {
    remember(headers) {
      signer?.value.rememberNonce(spec.url, headers);
    },
    async next(token) {
      if (!token.dpop_key) return undefined;
      if (spec.bearerIn !== 'header') {
        throw new UsageError(`the token is DPoP-bound: it can only be sent in the Authorization header, not in the ${spec.bearerIn === 'query' ? 'query string' : 'form body'} (RFC 9449 §7.1)`);
      }
      const { DpopSigner } = await import('../oauth/dpop.js');
      if (!signer || signer.jkt !== token.dpop_jkt) signer = { jkt: token.dpop_jkt ?? '', value: await DpopSigner.fromStored(token.dpop_key, token.dpop_jkt) };
      return signer.value.proof({ method: spec.method, url: spec.url, accessToken: token.access_token, now: ctx.now() });
    },
  };
}

function useToken(tokens: TokenSet, spec: CallSpec, ctx: AppContext): void {
  // Second line of defence: whatever echoes the request (traces, errors) scrubs the token.
  ctx.redactor.addSecret(tokens.access_token);
  if (authorizationScheme(tokens.token_type) !== 'Bearer' && !(tokens.dpop_key && tokens.token_type === 'DPoP')) {
    ctx.warn(
      spec.bearerIn === 'header'
        ? `token_type is '${tokens.token_type}', not Bearer: sending 'Authorization: ${tokens.token_type} …'`
        : `token_type is '${tokens.token_type}', not Bearer: the RFC 6750 placement in the ${spec.bearerIn === 'query' ? 'query' : 'form body'} may not be accepted`,
    );
  }
}

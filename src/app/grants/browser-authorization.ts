import { TransportError, UsageError } from '../../errors.js';
import { startLoopback, type CallbackRelay } from '../../loopback/listener.js';
import { assertResponseIssuerMatches, assertStateMatches, authorizationParams, checkCallback, parsePastedRedirect } from '../../oauth/authorize.js';
import type { ClientCredentials } from '../../oauth/client-auth.js';
import { randomNonce, randomState, type Pkce } from '../../oauth/pkce.js';
import type { AuthServer } from '../../oauth/pipeline.js';
import { connect } from '../auth-server.js';
import type { AppContext } from '../context.js';
import { isLoopbackHost, type Endpoints } from '../endpoints.js';
import type { Interaction } from '../interaction.js';
import type { LoginRequest } from '../login.js';
import { assertRequestObjectSignable, authorizationRequestSender } from './authorization-request.js';

const DEFAULT_REDIRECT = 'http://127.0.0.1/callback';

export interface BrowserAuthorization {
  /** The authorization response's parameters: `state` (and RFC 9207 `iss`) already checked. */
  params: URLSearchParams;
  /** The redirect URI the request used (the token request must repeat it). */
  redirectUri: string;
  /** The pipeline to the authorization server (for the token request). */
  as: AuthServer;
  client: ClientCredentials;
  endpoints: Endpoints;
  /** The nonce sent, when `openid` was in scope. */
  nonce?: string;
}

export interface BrowserAuthorizationOptions {
  /** `code` (RFC 6749 §4.1) or, for the legacy implicit flow, `token` / `id_token token`. */
  responseType: (withNonce: boolean) => 'code' | 'token' | 'id_token token';
  /** Endpoints the grant needs besides the authorization endpoint. */
  endpoints: readonly ('token_endpoint')[];
  pkce?: Pkce;
  /** How the response reaches the listener when it is not in the query (the implicit fragment). */
  relay?: CallbackRelay;
}

/**
 * The front channel of the browser grants: builds the authorization request (`state` always,
 * `nonce` with `openid`, PKCE when given) — pushed (RFC 9126) and/or signed (RFC 9101) when the
 * profile or the metadata says so (./authorization-request.ts) — sends the user's browser there,
 * and returns the response, from the loopback listener (RFC 8252 §7.3) or, in a manual login,
 * pasted by the user.
 */
export async function authorizeInBrowser(req: LoginRequest, ctx: AppContext, io: Interaction, opts: BrowserAuthorizationOptions): Promise<BrowserAuthorization> {
  const { settings } = req;
  if (settings.request_object === true) assertRequestObjectSignable(settings, req.clientSecret);
  const need = ['authorization_endpoint', ...opts.endpoints, ...(settings.par === true ? ['pushed_authorization_request_endpoint' as const] : [])] as const;
  const as = await connect(settings, req.clientSecret, need, ctx, { dpop: req.dpop });
  const { client, endpoints } = as;
  const send = await authorizationRequestSender(settings, req.clientSecret, as, ctx);
  // RFC 9207 §3: a server that promises `iss` in every response gets callbacks without it refused.
  const issRequired = endpoints.authorization_response_iss_parameter_supported === true;
  const state = randomState();
  const nonce = /(^|\s)openid(\s|$)/.test(settings.scope ?? '') ? randomNonce() : undefined;
  const redirect = new URL(settings.redirect_uri ?? DEFAULT_REDIRECT);
  const requestFor = (redirectUri: string) =>
    send(authorizationParams({
      endpoint: endpoints.authorization_endpoint as string,
      clientId: client.clientId,
      redirectUri,
      responseType: opts.responseType(nonce !== undefined),
      state,
      ...(settings.scope ? { scope: settings.scope } : {}),
      ...(nonce ? { nonce } : {}),
      ...(opts.pkce ? { pkce: opts.pkce } : {}),
      ...(settings.audience ? { audience: settings.audience } : {}),
      ...(settings.resource ? { resource: settings.resource } : {}),
      ...(settings.params ? { extra: settings.params } : {}),
      // RFC 9449 §10: the code is bound to the DPoP key.
      ...(as.dpop ? { dpopJkt: as.dpop.jkt } : {}),
      // RFC 9396 §3: fine-grained authorization details.
      ...(req.authorizationDetails ? { authorizationDetails: req.authorizationDetails } : {}),
    }));

  let params: URLSearchParams;
  let redirectUri: string;
  if (req.manual) {
    redirectUri = redirect.toString();
    params = await manualCallback(await requestFor(redirectUri), state, io);
    // A pasted code alone carries no `iss`; a pasted redirect must (when the server promises it).
    assertResponseIssuerMatches(params, endpoints.issuer, issRequired && params.has('state'));
  } else {
    if (redirect.protocol !== 'http:' || !isLoopbackHost(redirect.hostname)) {
      throw new UsageError(`the redirect URI ${redirect} is not a loopback http:// address, so oauthctl cannot receive the callback`, {
        code: 'redirect_uri_not_loopback',
        attribute: 'redirect_uri',
      });
    }
    ({ params, redirectUri } = await loopbackCallback(redirect, req.port, requestFor, { state, issuer: endpoints.issuer, issRequired }, opts.relay, io, ctx.now));
  }
  return { params, redirectUri, as, client, endpoints, ...(nonce ? { nonce } : {}) };
}

/**
 * The listener binds 127.0.0.1 on the requested port, else the redirect URI's port, else an ephemeral one;
 * a `localhost` redirect URI is sent as `localhost` (some servers accept nothing else).
 */
async function loopbackCallback(
  redirect: URL,
  port: number | undefined,
  urlFor: (redirectUri: string) => Promise<string>,
  expected: { state: string; issuer?: string | undefined; issRequired: boolean },
  relay: CallbackRelay | undefined,
  io: Interaction,
  now: () => number,
): Promise<{ params: URLSearchParams; redirectUri: string }> {
  const timeout = AbortSignal.timeout(io.waitSeconds * 1000);
  const signal = AbortSignal.any([io.signal, timeout]);
  const loopback = await startLoopback({
    port: port ?? (redirect.port ? Number(redirect.port) : 0),
    path: redirect.pathname || '/callback',
    check: (params) => checkCallback(params, { state: expected.state, issRequired: expected.issRequired, ...(expected.issuer ? { issuer: expected.issuer } : {}) }),
    ...(relay ? { relay } : {}),
    signal,
  });
  const redirectUri = loopback.redirectUri(redirect.hostname === 'localhost' ? 'localhost' : '127.0.0.1');
  try {
    // Inside the try: a pushed request that fails still closes the listener.
    const url = await urlFor(redirectUri);
    await openOrPrint(url, io);
    io.tell(`Waiting for the browser to come back to ${redirectUri} (Ctrl+C to cancel; gives up after ${io.waitSeconds}s)…`);
    const deadline = now() + io.waitSeconds * 1000;
    const ticker = setInterval(() => io.progress(`waiting for the browser… ${Math.max(0, Math.round((deadline - now()) / 1000))}s left`), 1000);
    ticker.unref();
    try {
      return { params: await loopback.result, redirectUri };
    } finally {
      clearInterval(ticker);
      io.progress('');
    }
  } catch (err) {
    if (timeout.aborted && !io.signal.aborted) {
      throw new TransportError('callback_timeout', `no answer from the browser within ${io.waitSeconds}s`);
    }
    throw err;
  } finally {
    await loopback.close();
  }
}

async function openOrPrint(url: string, io: Interaction): Promise<void> {
  if (!io.openBrowser) {
    io.tell(`Open this URL in a browser to sign in:\n\n  ${url}\n`);
    return;
  }
  try {
    await io.openBrowser(url);
    io.tell(`Opened the browser. If it did not appear, open this URL:\n\n  ${url}\n`);
  } catch (err) {
    io.tell(`Could not open a browser (${(err as Error).message}). Open this URL to sign in:\n\n  ${url}\n`);
  }
}

/** Manual login: no listener, no browser; the user pastes where the browser was sent (or the code). */
async function manualCallback(url: string, state: string, io: Interaction): Promise<URLSearchParams> {
  io.tell(`Open this URL in a browser on any machine and sign in:\n\n  ${url}\n`);
  io.tell('Then paste the address the browser was redirected to (it may show an error page; that is fine), or just the code.');
  const params = parsePastedRedirect(await io.readPastedRedirect());
  if (params.has('state') || params.has('error')) assertStateMatches(params, state);
  return params;
}

import { TransportError, UsageError } from '../../errors.js';
import { startLoopback } from '../../loopback/listener.js';
import {
  assertResponseIssuerMatches,
  assertStateMatches,
  authorizationCode,
  buildAuthorizationUrl,
  checkCallback,
  parsePastedRedirect,
  throwIfAuthorizationError,
} from '../../oauth/authorize.js';
import { createPkce, randomNonce, randomState } from '../../oauth/pkce.js';
import { tokenRequest } from '../../oauth/token-request.js';
import { processTokenResponse } from '../../oauth/token-response.js';
import type { TokenSet } from '../../store/types.js';
import { connect } from '../auth-server.js';
import type { AppContext } from '../context.js';
import { isLoopbackHost } from '../endpoints.js';
import type { Interaction } from '../interaction.js';
import type { LoginRequest } from '../login.js';
import { finishLogin } from './finish.js';

const DEFAULT_REDIRECT = 'http://127.0.0.1/callback';

/**
 * RFC 6749 §4.1 with PKCE (RFC 7636) always, `state` always and `nonce` with `openid`; the code
 * arrives at a loopback listener (RFC 8252 §7.3) or, in a manual login, is pasted by the user.
 * `implicit` (RFC 6749 §4.2, deprecated by OAuth 2.1) shares the same path with
 * `response_type=token`.
 */
export async function authorizationCodeGrant(req: LoginRequest, ctx: AppContext, io: Interaction, implicit = false): Promise<TokenSet> {
  const { settings } = req;
  if (implicit) ctx.warn('the implicit grant is deprecated by OAuth 2.1 (tokens travel in the URL); prefer the authorization code grant');
  const as = await connect(settings, req.clientSecret, implicit ? ['authorization_endpoint'] : ['authorization_endpoint', 'token_endpoint'], ctx);
  const { client, endpoints } = as;
  // RFC 9207 §3: a server that promises `iss` in every response gets callbacks without it refused.
  const issRequired = endpoints.authorization_response_iss_parameter_supported === true;
  const pkce = implicit ? undefined : createPkce();
  ctx.redactor.addSecret(pkce?.verifier);
  const state = randomState();
  const nonce = /(^|\s)openid(\s|$)/.test(settings.scope ?? '') ? randomNonce() : undefined;
  const redirect = new URL(settings.redirect_uri ?? DEFAULT_REDIRECT);
  const requestFor = (redirectUri: string) =>
    buildAuthorizationUrl({
      endpoint: endpoints.authorization_endpoint as string,
      clientId: client.clientId,
      redirectUri,
      responseType: implicit ? (nonce ? 'id_token token' : 'token') : 'code',
      state,
      ...(settings.scope ? { scope: settings.scope } : {}),
      ...(nonce ? { nonce } : {}),
      ...(pkce ? { pkce } : {}),
      ...(settings.audience ? { audience: settings.audience } : {}),
      ...(settings.resource ? { resource: settings.resource } : {}),
      ...(settings.params ? { extra: settings.params } : {}),
    });

  let params: URLSearchParams;
  let redirectUri: string;
  if (req.manual) {
    redirectUri = redirect.toString();
    params = await manualCallback(requestFor(redirectUri), state, io);
    // A pasted code alone carries no `iss`; a pasted redirect must (when the server promises it).
    assertResponseIssuerMatches(params, endpoints.issuer, issRequired && params.has('state'));
  } else {
    if (redirect.protocol !== 'http:' || !isLoopbackHost(redirect.hostname)) {
      throw new UsageError(`the redirect URI ${redirect} is not a loopback http:// address, so oauthctl cannot receive the callback`, {
        code: 'redirect_uri_not_loopback',
        attribute: 'redirect_uri',
      });
    }
    ({ params, redirectUri } = await loopbackCallback(redirect, req.port, (uri) => requestFor(uri), { state, issuer: endpoints.issuer, issRequired }, implicit, io, ctx.now));
  }

  if (implicit) {
    throwIfAuthorizationError(params);
    const res = processTokenResponse(
      { status: 200, statusText: 'OK', url: redirectUri, headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }), text: params.toString() },
      { endpoint: redirectUri, name: 'authorization response', operation: 'implicit grant', warn: ctx.warn, note: ctx.note },
    );
    return finishLogin(res, { settings, endpoints, client, grant: 'implicit', ...(nonce ? { nonce } : {}) }, ctx);
  }
  const code = authorizationCode(params);
  ctx.redactor.addSecret(code);
  const res = await tokenRequest(as, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce?.verifier, resource: settings.resource });
  return finishLogin(res, { settings, endpoints, client, grant: 'authorization_code', ...(nonce ? { nonce } : {}) }, ctx);
}

/**
 * The listener binds 127.0.0.1 on the requested port, else the redirect URI's port, else an ephemeral one;
 * a `localhost` redirect URI is sent as `localhost` (some servers accept nothing else).
 */
async function loopbackCallback(
  redirect: URL,
  port: number | undefined,
  urlFor: (redirectUri: string) => string,
  expected: { state: string; issuer?: string | undefined; issRequired: boolean },
  implicit: boolean,
  io: Interaction,
  now: () => number,
): Promise<{ params: URLSearchParams; redirectUri: string }> {
  const timeout = AbortSignal.timeout(io.waitSeconds * 1000);
  const signal = AbortSignal.any([io.signal, timeout]);
  const loopback = await startLoopback({
    port: port ?? (redirect.port ? Number(redirect.port) : 0),
    path: redirect.pathname || '/callback',
    check: (params) => checkCallback(params, { state: expected.state, issRequired: expected.issRequired, ...(expected.issuer ? { issuer: expected.issuer } : {}) }),
    implicit,
    signal,
  });
  const redirectUri = loopback.redirectUri(redirect.hostname === 'localhost' ? 'localhost' : '127.0.0.1');
  const url = urlFor(redirectUri);
  try {
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

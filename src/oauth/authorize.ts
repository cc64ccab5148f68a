import { OAuthError, ProtocolError, UsageError } from '../errors.js';
import type { Pkce } from './pkce.js';
import { authorizationDetailsParam, type AuthorizationDetail } from './rar.js';

export interface AuthorizationRequest {
  endpoint: string;
  clientId: string;
  redirectUri: string;
  /**
   * `code` (RFC 6749 §4.1) or, legacy, `token` (§4.2) — `id_token token` when `openid` is in
   * scope (OpenID Connect Core §3.2, which servers such as oidc-provider accept instead).
   */
  responseType: 'code' | 'token' | 'id_token token';
  state: string;
  scope?: string;
  /** OpenID Connect Core §3.1.2.1: sent when `openid` is in scope. */
  nonce?: string;
  /** RFC 7636 §4.3: always for `code`, public and confidential clients alike. */
  pkce?: Pkce;
  audience?: string;
  /** RFC 8707 §2: one or several. */
  resource?: string | readonly string[];
  /** Extra parameters (`--param`, profile `params`): `prompt`, `login_hint`, … */
  extra?: Record<string, string>;
  /** RFC 9449 §10: the thumbprint of the DPoP key the code is bound to. */
  dpopJkt?: string;
  /** RFC 9396 §3: fine-grained authorization details, sent as JSON text. */
  authorizationDetails?: readonly AuthorizationDetail[];
}

/** The protocol parameters that `--param` may not override. */
const RESERVED = new Set(['response_type', 'client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'dpop_jkt']);

/** Parameters as a form, query or request object carries them; a list repeats the name (`resource`). */
export type AuthorizationParams = Record<string, string | string[]>;

/** RFC 6749 §4.1.1 / §4.2.1: the URL the user's browser is sent to. */
export function buildAuthorizationUrl(req: AuthorizationRequest): string {
  return frontChannelUrl(req.endpoint, authorizationParams(req));
}

/**
 * The authorization request's parameters, whatever carries them: the URL's query, a pushed
 * request's body (RFC 9126 §2.1) or a request object's claims (RFC 9101 §4).
 * @throws UsageError when a `--param` names a parameter oauthctl sets itself.
 */
export function authorizationParams(req: AuthorizationRequest): AuthorizationParams {
  const params: AuthorizationParams = Object.create(null) as AuthorizationParams;
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') params[name] = value;
  };
  for (const [name, value] of Object.entries(req.extra ?? {})) {
    if (RESERVED.has(name)) throw new UsageError(`--param ${name} is set by oauthctl itself and cannot be overridden`);
    set(name, value);
  }
  set('response_type', req.responseType);
  set('client_id', req.clientId);
  set('redirect_uri', req.redirectUri);
  set('scope', req.scope);
  set('state', req.state);
  set('nonce', req.nonce);
  set('audience', req.audience);
  const resources = typeof req.resource === 'string' ? [req.resource] : [...(req.resource ?? [])];
  if (resources.length > 0) params.resource = resources;
  set('dpop_jkt', req.dpopJkt);
  if (req.authorizationDetails) set('authorization_details', authorizationDetailsParam(req.authorizationDetails));
  if (req.pkce) {
    set('code_challenge', req.pkce.challenge);
    set('code_challenge_method', req.pkce.method);
  }
  return params;
}

/**
 * The authorization endpoint's URL carrying `params` (beside the endpoint's own query). After a
 * pushed request, `params` are only `client_id` and `request_uri` (RFC 9126 §4); with a request
 * object by value, `client_id` and `request` (RFC 9101 §5).
 */
export function frontChannelUrl(endpoint: string, params: Readonly<AuthorizationParams>): string {
  const url = new URL(endpoint);
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string') {
      url.searchParams.set(name, value);
    } else {
      url.searchParams.delete(name);
      for (const one of value) url.searchParams.append(name, one);
    }
  }
  return url.toString();
}

export interface CallbackExpectations {
  state: string;
  /** The issuer, for RFC 9207's `iss` check (when the response carries one). */
  issuer?: string;
  /**
   * The metadata says `authorization_response_iss_parameter_supported: true` (RFC 9207 §3): a
   * response without `iss` is then refused like a wrong one.
   */
  issRequired?: boolean;
}

/**
 * RFC 6749 §10.12: the `state` that comes back must be the one we sent.
 * @throws ProtocolError `callback_state_mismatch` (missing or different); neither value is shown.
 */
export function assertStateMatches(params: URLSearchParams, expected: string): void {
  const state = params.get('state');
  if (state !== expected) {
    throw new ProtocolError(
      'callback_state_mismatch',
      state === null ? 'the callback has no state parameter' : 'the callback\'s state does not match the request',
      { check: 'assertStateMatches', attribute: 'state' },
    );
  }
}

/**
 * RFC 9207 §2.4: when the authorization response carries `iss`, it must be our issuer; when the
 * server promises it (`issRequired`), it must be there — unless the response carries an ID token
 * (the implicit `id_token token` response), whose own `iss` is then validated (RFC 9207 §2.4, OIDC
 * Core §3.2.2.11), as servers such as oidc-provider leave `iss` out of those.
 * @throws ProtocolError `callback_iss_mismatch`, `callback_iss_missing`.
 */
export function assertResponseIssuerMatches(params: URLSearchParams, issuer: string | undefined, issRequired = false): void {
  const iss = params.get('iss');
  if (iss === null) {
    if (issRequired && issuer !== undefined && !params.has('id_token')) {
      throw new ProtocolError('callback_iss_missing', 'the callback has no iss parameter, although the server\'s metadata says it sends one (RFC 9207)', {
        check: 'assertResponseIssuerMatches',
        attribute: 'iss',
        expected: issuer,
      });
    }
    return;
  }
  if (issuer !== undefined && iss !== issuer) {
    throw new ProtocolError('callback_iss_mismatch', `the callback's iss ${JSON.stringify(iss)} is not the issuer ${JSON.stringify(issuer)}`, {
      check: 'assertResponseIssuerMatches',
      attribute: 'iss',
      expected: issuer,
      actual: iss,
    });
  }
}

/**
 * Whether a callback is ours (the loopback listener answers others with 400 and keeps waiting).
 * @see RFC 6749 §10.12, RFC 9207 §2.4
 */
export function checkCallback(params: URLSearchParams, expected: CallbackExpectations): { ok: true } | { ok: false; reason: string } {
  try {
    assertStateMatches(params, expected.state);
    assertResponseIssuerMatches(params, expected.issuer, expected.issRequired === true);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/**
 * An accepted callback that carries `error` ends the login with the server's error (exit 3).
 * @see RFC 6749 §4.1.2.1
 */
export function throwIfAuthorizationError(params: URLSearchParams): void {
  const error = params.get('error');
  if (error === null) return;
  const description = params.get('error_description') ?? undefined;
  throw new OAuthError(error, description, `authorization failed: ${error}${description ? ` (${description})` : ''}`);
}

/**
 * RFC 6749 §4.1.2: the code from an accepted callback.
 * @throws OAuthError for an `error=…` callback; ProtocolError `callback_missing_code`.
 */
export function authorizationCode(params: URLSearchParams): string {
  throwIfAuthorizationError(params);
  const code = params.get('code');
  if (!code) {
    throw new ProtocolError('callback_missing_code', 'the callback carries neither a code nor an error', { check: 'authorizationCode', attribute: 'code' });
  }
  return code;
}

/**
 * `--manual`: what the user pasted — the whole address the browser was sent to (query or, for
 * implicit, fragment), or just the code.
 */
export function parsePastedRedirect(text: string): URLSearchParams {
  const input = text.trim();
  if (!input) throw new UsageError('nothing was pasted', { hint: 'paste the address your browser was redirected to, or the code' });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new UsageError('the pasted address is not a valid URL');
    }
    const params = new URLSearchParams(url.search);
    for (const [k, v] of new URLSearchParams(url.hash.replace(/^#/, ''))) params.set(k, v);
    return params;
  }
  if (input.includes('=') && input.includes('&')) return new URLSearchParams(input.replace(/^[?#]/, ''));
  return new URLSearchParams({ code: input });
}

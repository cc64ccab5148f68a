/**
 * Pushed authorization requests (RFC 9126): the authorization request's parameters (or its
 * request object, RFC 9126 §3) are posted with client authentication — and a DPoP proof when the
 * login uses DPoP (RFC 9449 §10.1) — to the `pushed_authorization_request_endpoint`; the
 * browser is then sent only `client_id` and the `request_uri` that came back (§4).
 *
 * @see RFC 9126 §2.1 (request), §2.2 (response), §2.3 (error response), §4 (authorization request)
 */
import type { HttpResponse } from '../http/types.js';
import { exchange, type AuthServer, type FormParams } from './pipeline.js';
import { assertSuccessStatus, protocolError, readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './response.js';
import { MAX_EXPIRES_IN_SECONDS } from './token-response.js';

export interface PushedAuthorizationResponse {
  /** RFC 9126 §2.2: the reference the browser carries instead of the parameters. */
  request_uri: string;
  /** Seconds the reference stays valid. */
  expires_in: number;
}

/**
 * RFC 9126 §2.1: POSTs the authorization request (its parameters, or `request` alone beside the
 * client authentication, §3) to the PAR endpoint through the one pipeline, which adds client
 * authentication, the DPoP proof and the client certificate.
 *
 * @throws OAuthError for an OAuth `error` (exit 3); ProtocolError from
 *   `processPushedAuthorizationResponse`; UsageError `missing_endpoint` when no PAR endpoint is known.
 */
export async function pushedAuthorizationRequest(as: AuthServer, params: FormParams): Promise<PushedAuthorizationResponse> {
  return exchange(as, { endpoint: 'pushed_authorization_request_endpoint', params, dpop: true }, processPushedAuthorizationResponse);
}

/**
 * RFC 9126 §2.2: a JSON object (201; any 2xx accepted) with `request_uri` and `expires_in`; an
 * OAuth `error` is the server's refusal (§2.3).
 *
 * @throws OAuthError; ProtocolError `par_response_missing_request_uri` (`checkRequestUri`),
 *   `par_response_invalid_expires_in` (`checkParExpiresIn`), and the response reader's codes.
 */
export function processPushedAuthorizationResponse(res: HttpResponse, ctx: OAuthResponseContext): PushedAuthorizationResponse {
  const body = readOAuthBody(res, ctx);
  throwIfOAuthError(body, res, ctx);
  assertSuccessStatus(res, ctx);
  return { request_uri: checkRequestUri(body, res, ctx), expires_in: checkParExpiresIn(body, res, ctx) };
}

/**
 * RFC 9126 §2.2: `request_uri` REQUIRED, a non-empty string (it goes into the browser's URL, so
 * nothing else is accepted).
 * @throws ProtocolError `par_response_missing_request_uri`.
 */
export function checkRequestUri(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): string {
  const value = body.request_uri;
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw protocolError('par_response_missing_request_uri', 'the pushed authorization response has no usable request_uri', {
    check: 'checkRequestUri',
    attribute: 'request_uri',
    expected: 'a non-empty string',
    actual: value === undefined ? 'missing' : typeof value,
  }, res, ctx);
}

/**
 * RFC 9126 §2.2: `expires_in` REQUIRED, a positive number of seconds; beyond ten years or not
 * finite is refused like any number from a server (SPEC "Safety").
 * @throws ProtocolError `par_response_invalid_expires_in`.
 */
export function checkParExpiresIn(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): number {
  const value = body.expires_in;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_EXPIRES_IN_SECONDS) return value;
  throw protocolError('par_response_invalid_expires_in', 'the pushed authorization response has no usable expires_in (a positive number of seconds, at most ten years)', {
    check: 'checkParExpiresIn',
    attribute: 'expires_in',
    expected: `0<..${MAX_EXPIRES_IN_SECONDS}`,
    actual: typeof value === 'number' ? value : value === undefined ? 'missing' : typeof value,
  }, res, ctx);
}

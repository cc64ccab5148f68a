/**
 * The OpenID Connect UserInfo request, with the access token as a Bearer header.
 * @see OpenID Connect Core 1.0 §5.3
 */
import type { HttpResponse } from '../http/types.js';
import { exchange, type AuthServer } from './pipeline.js';
import { assertSuccessStatus, describeEndpoint, protocolError, readOAuthBody, type OAuthResponseContext } from './response.js';

/**
 * §5.3.1: GET the UserInfo endpoint with the access token. Returns the claims, or `undefined` on
 * 401 (the token was rejected: the caller may renew it once and retry).
 */
export async function userinfoRequest(as: AuthServer, accessToken: string): Promise<Record<string, unknown> | undefined> {
  return exchange(as, { endpoint: 'userinfo_endpoint', method: 'GET', accessToken }, processUserinfoResponse);
}

/**
 * §5.3.2: a JSON object with a string `sub` (`checkUserinfoSubject`); 401 is `undefined`. A
 * signed or encrypted (JWT) answer is not supported.
 * @throws ProtocolError `userinfo_response_signed`, `userinfo_response_missing_sub`, and the
 *   reader's codes.
 */
export function processUserinfoResponse(res: HttpResponse, ctx: OAuthResponseContext): Record<string, unknown> | undefined {
  if (res.status === 401) return undefined;
  assertSuccessStatus(res, ctx, 200);
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/jwt')) {
    throw protocolError('userinfo_response_signed', `${describeEndpoint(ctx)} answered a JWT; signed userinfo is not supported`, {
      check: 'processUserinfoResponse',
      expected: 'application/json',
      actual: 'application/jwt',
    }, res, ctx);
  }
  const body = readOAuthBody(res, ctx);
  if (typeof body.sub !== 'string' || body.sub === '') {
    throw protocolError('userinfo_response_missing_sub', `${describeEndpoint(ctx)} did not answer a JSON object with "sub"`, {
      check: 'checkUserinfoSubject',
      attribute: 'sub',
      expected: 'a non-empty string',
      actual: typeof body.sub,
    }, res, ctx);
  }
  return body;
}

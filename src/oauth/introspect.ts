/**
 * Token introspection: ask the server whether a token is active, authenticated as the client.
 * @see RFC 7662 §2.1 (request), §2.2 (response)
 */
import type { HttpResponse } from '../http/types.js';
import { exchange, type AuthServer } from './pipeline.js';
import { assertSuccessStatus, describeEndpoint, protocolError, readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './response.js';

/** RFC 7662 §2.2: `active` is required; the other members are as the server sent them. */
export interface Introspection {
  active: boolean;
  [member: string]: unknown;
}

/** RFC 7662 §2.1: ask the server about a token, authenticated as the client. */
export async function introspectionRequest(
  as: AuthServer,
  p: { token: string; tokenTypeHint?: 'access_token' | 'refresh_token' },
): Promise<Introspection> {
  return exchange(as, { endpoint: 'introspection_endpoint', params: { token: p.token, token_type_hint: p.tokenTypeHint } }, processIntrospectionResponse);
}

/**
 * Validates an introspection answer: a JSON object (`readOAuthBody`), no OAuth error, HTTP 200,
 * and a boolean `active` (`checkActive`).
 * @throws ProtocolError `introspection_response_missing_active` and the reader's codes.
 */
export function processIntrospectionResponse(res: HttpResponse, ctx: OAuthResponseContext): Introspection {
  const body = readOAuthBody(res, ctx);
  throwIfOAuthError(body, res, ctx);
  assertSuccessStatus(res, ctx, 200);
  if (typeof body.active !== 'boolean') {
    throw protocolError('introspection_response_missing_active', `${describeEndpoint(ctx)} answered without a boolean "active"`, {
      check: 'checkActive',
      attribute: 'active',
      expected: 'a boolean',
      actual: typeof body.active,
    }, res, ctx);
  }
  return body as Introspection;
}

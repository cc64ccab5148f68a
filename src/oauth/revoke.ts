/**
 * Token revocation, authenticated as the client.
 * @see RFC 7009 §2.1 (request), §2.2 (response)
 */
import type { HttpResponse } from '../http/types.js';
import { exchange, type AuthServer } from './pipeline.js';
import { assertSuccessStatus, readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './response.js';

/** RFC 7009 §2.1: revoke one token, authenticated as the client. */
export async function revocationRequest(
  as: AuthServer,
  p: { token: string; tokenTypeHint?: 'refresh_token' | 'access_token' },
): Promise<void> {
  await exchange(as, { endpoint: 'revocation_endpoint', params: { token: p.token, token_type_hint: p.tokenTypeHint } }, processRevocationResponse);
}

/**
 * RFC 7009 §2.2: 200 means revoked (or already invalid: the server says the same); the body is
 * ignored and may be empty. An OAuth `error` (§2.2.1, e.g. `unsupported_token_type`) is exit 3.
 * @throws ProtocolError `response_status_unexpected` for another status without an OAuth error.
 */
export function processRevocationResponse(res: HttpResponse, ctx: OAuthResponseContext): void {
  if (res.status === 200 && res.text.trim() === '') return;
  if (res.status >= 400 || res.text.trim() !== '') {
    const body = readOAuthBody(res, ctx, { allowEmpty: true });
    throwIfOAuthError(body, res, ctx);
  }
  assertSuccessStatus(res, ctx, 200);
}

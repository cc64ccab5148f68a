/**
 * The token endpoint request: every grant (authorization_code, refresh_token, client_credentials,
 * password, device_code) sends its parameters through here.
 *
 * @see RFC 6749 §3.2 (token endpoint), §4.1.3, §4.3.2, §4.4.2, §6; RFC 8628 §3.4
 */
import type { HttpClient } from '../http/types.js';
import type { ClientCredentials } from './client-auth.js';
import { authenticatedFormPost } from './form-post.js';
import { processTokenResponse, type TokenResponse } from './token-response.js';

export interface TokenRequestParams {
  tokenEndpoint: string;
  /** Form parameters (`grant_type`, `code`, …); `undefined` values are left out. */
  params: Record<string, string | undefined>;
  client: ClientCredentials;
  /** Epoch milliseconds (client assertions' `iat`/`exp`). */
  now: () => number;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/**
 * POSTs a form to the token endpoint with `Accept: application/json`, authenticated as the
 * client, and validates the answer with `processTokenResponse`.
 *
 * @throws UsageError when the client's secret or key is missing (exit 2); OAuthError for an OAuth
 *   `error` answer (exit 3); TransportError for network failures and non-protocol answers (exit 4).
 */
export async function tokenRequest(http: HttpClient, p: TokenRequestParams): Promise<TokenResponse> {
  const res = await authenticatedFormPost(http, { endpoint: p.tokenEndpoint, params: p.params, client: p.client, now: p.now });
  return processTokenResponse(res, {
    endpoint: p.tokenEndpoint,
    name: 'token endpoint',
    operation: 'token request',
    warn: p.warn,
    ...(p.note === undefined ? {} : { note: p.note }),
  });
}

/**
 * The token endpoint request: every grant (authorization_code, refresh_token, client_credentials,
 * password, device_code) sends its parameters through here, and so through the one pipeline.
 *
 * @see RFC 6749 §3.2 (token endpoint), §4.1.3, §4.3.2, §4.4.2, §6; RFC 8628 §3.4
 */
import { exchange, type AuthServer, type FormParams } from './pipeline.js';
import { processTokenResponse, type TokenResponse } from './token-response.js';

/**
 * POSTs `params` (`grant_type`, `code`, …; `undefined` values are left out, a list repeats the
 * name: `resource`, RFC 8707 §2) to the token
 * endpoint, authenticated as the client (with a DPoP proof when the server has a key: RFC 9449 §5), and validates the answer with `processTokenResponse`.
 *
 * @throws UsageError when the client's secret or key is missing (exit 2); OAuthError for an OAuth
 *   `error` answer (exit 3); ProtocolError for an answer that is not a token response and
 *   TransportError for network failures (exit 4).
 */
export async function tokenRequest(as: AuthServer, params: FormParams): Promise<TokenResponse> {
  return exchange(as, { endpoint: 'token_endpoint', params, dpop: true }, processTokenResponse);
}

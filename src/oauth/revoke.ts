import { TransportError } from '../errors.js';
import { safeUrl } from '../http/safe-url.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import type { ClientCredentials } from './client-auth.js';
import { authenticatedFormPost } from './form-post.js';
import { readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './token-response.js';

export interface RevocationParams {
  endpoint: string;
  client: ClientCredentials;
  token: string;
  tokenTypeHint?: 'refresh_token' | 'access_token';
  now: () => number;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/** RFC 7009 §2.1: revoke one token, authenticated as the client. */
export async function revocationRequest(http: HttpClient, p: RevocationParams): Promise<void> {
  const res = await authenticatedFormPost(http, {
    endpoint: p.endpoint,
    params: { token: p.token, token_type_hint: p.tokenTypeHint },
    client: p.client,
    now: p.now,
  });
  processRevocationResponse(res, { endpoint: p.endpoint, name: 'revocation endpoint', operation: 'revocation', warn: p.warn, ...(p.note ? { note: p.note } : {}) });
}

/**
 * RFC 7009 §2.2: 200 means revoked (or already invalid: the server says the same); the body is
 * ignored and may be empty. An OAuth `error` (§2.2.1, e.g. `unsupported_token_type`) is exit 3.
 */
export function processRevocationResponse(res: HttpResponse, ctx: OAuthResponseContext): void {
  if (res.status === 200 && res.text.trim() === '') return;
  if (res.status >= 400 || res.text.trim() !== '') {
    const body = readOAuthBody(res, ctx, { allowEmpty: true });
    throwIfOAuthError(body, res, ctx);
  }
  if (res.status !== 200) {
    throw new TransportError('protocol', `revocation endpoint ${safeUrl(res.url)} answered HTTP ${res.status}`, { status: res.status });
  }
}

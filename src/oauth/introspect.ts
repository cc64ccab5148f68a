import { TransportError } from '../errors.js';
import { safeUrl } from '../http/safe-url.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import type { ClientCredentials } from './client-auth.js';
import { authenticatedFormPost } from './form-post.js';
import { readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './token-response.js';

/** RFC 7662 §2.2: `active` is required; the other members are as the server sent them. */
export interface Introspection {
  active: boolean;
  [member: string]: unknown;
}

export interface IntrospectionParams {
  endpoint: string;
  client: ClientCredentials;
  token: string;
  tokenTypeHint?: 'access_token' | 'refresh_token';
  now: () => number;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/** RFC 7662 §2.1: ask the server about a token, authenticated as the client. */
export async function introspectionRequest(http: HttpClient, p: IntrospectionParams): Promise<Introspection> {
  const res = await authenticatedFormPost(http, {
    endpoint: p.endpoint,
    params: { token: p.token, token_type_hint: p.tokenTypeHint },
    client: p.client,
    now: p.now,
  });
  return processIntrospectionResponse(res, {
    endpoint: p.endpoint,
    name: 'introspection endpoint',
    operation: 'introspection',
    warn: p.warn,
    ...(p.note ? { note: p.note } : {}),
  });
}

/** Validates an introspection answer: a JSON object with a boolean `active` (RFC 7662 §2.2). */
export function processIntrospectionResponse(res: HttpResponse, ctx: OAuthResponseContext): Introspection {
  const body = readOAuthBody(res, ctx);
  throwIfOAuthError(body, res, ctx);
  if (res.status !== 200) {
    throw new TransportError('protocol', `introspection endpoint ${safeUrl(res.url)} answered HTTP ${res.status}`, { status: res.status });
  }
  if (typeof body.active !== 'boolean') {
    throw new TransportError('protocol', `introspection endpoint ${safeUrl(res.url)} answered without a boolean "active"`);
  }
  return body as Introspection;
}

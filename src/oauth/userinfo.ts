import { TransportError } from '../errors.js';
import { safeUrl } from '../http/safe-url.js';
import type { HttpClient, HttpResponse } from '../http/types.js';

/**
 * OpenID Connect Core §5.3: GET the UserInfo endpoint with the access token. Returns the claims,
 * or `undefined` on 401 (the token was rejected: the caller may renew it once and retry).
 */
export async function userinfoRequest(http: HttpClient, endpoint: string, accessToken: string): Promise<Record<string, unknown> | undefined> {
  const res = await http.request({
    method: 'GET',
    url: endpoint,
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
  });
  if (res.status === 401) return undefined;
  return processUserinfoResponse(res);
}

/** §5.3.2: a JSON object with `sub` (a signed or encrypted JWT answer is not supported). */
export function processUserinfoResponse(res: HttpResponse): Record<string, unknown> {
  const where = `userinfo endpoint ${safeUrl(res.url)}`;
  if (res.status !== 200) throw new TransportError('protocol', `${where} answered HTTP ${res.status}`, { status: res.status });
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/jwt')) throw new TransportError('protocol', `${where} answered a JWT; signed userinfo is not supported`);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new TransportError('protocol', `${where} did not answer JSON (${type || 'no content type'})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { sub?: unknown }).sub !== 'string') {
    throw new TransportError('protocol', `${where} did not answer a JSON object with "sub"`);
  }
  return body as Record<string, unknown>;
}

import type { HttpClient, HttpResponse } from '../http/types.js';
import { applyClientAuth, type ClientCredentials } from './client-auth.js';

export interface FormPost {
  endpoint: string;
  /** Form parameters; `undefined` and empty values are left out. */
  params: Record<string, string | undefined>;
  client: ClientCredentials;
  /** Epoch milliseconds (client assertions' `iat`/`exp`). */
  now: () => number;
}

/**
 * Every request to the authorization server that carries client authentication: a form POST with
 * `Accept: application/json` (SPEC "Interoperability"), authenticated as the client, with the
 * endpoint as the assertion audience.
 * @see RFC 6749 §2.3, §3.2; RFC 7009 §2.1; RFC 7662 §2.1; RFC 8628 §3.1
 */
export async function authenticatedFormPost(http: HttpClient, p: FormPost): Promise<HttpResponse> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(p.params)) {
    if (value !== undefined && value !== '') body.set(name, value);
  }
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  await applyClientAuth(p.client, { audience: p.endpoint, body, headers, now: p.now });
  return http.request({ method: 'POST', url: p.endpoint, headers, body });
}

/**
 * Dynamic client registration (RFC 7591) and its management protocol (RFC 7592): a request
 * function and a pure response check for each, as every endpoint here has.
 *
 * The registration answer holds secrets (`client_secret`, `registration_access_token`): messages
 * never quote it, and the caller keeps those two in the token store.
 *
 * @see RFC 7591 §3.1 (request), §3.2.1 (response), §3.2.2 (errors); RFC 7592 §2.3 (delete)
 */
import { TransportError } from '../errors.js';
import { safeUrl } from '../http/safe-url.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import { readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './token-response.js';

/** Client metadata (RFC 7591 §2): the members oauthctl sets, and any others given. */
export interface ClientMetadata {
  application_type?: string;
  redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  token_endpoint_auth_method?: string;
  scope?: string;
  client_name?: string;
  [member: string]: unknown;
}

/** A client information response (RFC 7591 §3.2.1). Holds secrets: never print it unredacted. */
export interface RegisteredClient extends ClientMetadata {
  client_id: string;
  client_secret?: string;
  registration_access_token?: string;
  registration_client_uri?: string;
}

/** The members of a registration answer that are secrets (SPEC "Secrets"). */
export const REGISTRATION_SECRETS = ['client_secret', 'registration_access_token'] as const;

export interface RegistrationParams {
  endpoint: string;
  metadata: ClientMetadata;
  /** RFC 7591 §3: an initial access token, sent as a Bearer token. */
  initialAccessToken?: string;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/** RFC 7591 §3.1: POST the metadata as JSON. */
export async function registrationRequest(http: HttpClient, p: RegistrationParams): Promise<RegisteredClient> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  if (p.initialAccessToken !== undefined) headers.authorization = `Bearer ${p.initialAccessToken}`;
  const res = await http.request({ method: 'POST', url: p.endpoint, headers, body: JSON.stringify(p.metadata) });
  return processRegistrationResponse(res, context(p.endpoint, 'registration', p));
}

/**
 * RFC 7591 §3.2: a 201 (200 tolerated) JSON object with a string `client_id`; an `error` member
 * (`invalid_redirect_uri`, `invalid_client_metadata`, …) is an OAuth error whatever the status.
 *
 * @throws OAuthError when the server refused the registration (exit 3).
 * @throws TransportError `registration_response_missing_client_id` (exit 4) for an answer
 *   without a client id; `protocol` for any other answer that is not a registration.
 */
export function processRegistrationResponse(res: HttpResponse, ctx: OAuthResponseContext): RegisteredClient {
  const body = readOAuthBody(res, ctx);
  throwIfOAuthError(body, res, ctx);
  if (res.status !== 201 && res.status !== 200) {
    throw new TransportError('protocol', `registration endpoint ${safeUrl(res.url)} answered HTTP ${res.status} without an OAuth error`, { status: res.status });
  }
  if (res.status === 200) ctx.note?.(`registration endpoint answered 200 (RFC 7591 §3.2.1 says 201)`);
  checkClientId(body, res);
  for (const name of REGISTRATION_SECRETS) {
    if (body[name] !== undefined && typeof body[name] !== 'string') {
      throw new TransportError('protocol', `the registration answer from ${safeUrl(res.url)} has a ${name} that is not a string`);
    }
  }
  if (body.registration_client_uri !== undefined && typeof body.registration_client_uri !== 'string') {
    throw new TransportError('protocol', `the registration answer from ${safeUrl(res.url)} has a registration_client_uri that is not a string`);
  }
  return body as RegisteredClient;
}

/** RFC 7591 §3.2.1: `client_id` REQUIRED, a non-empty string. */
function checkClientId(body: Record<string, unknown>, res: HttpResponse): void {
  if (typeof body.client_id === 'string' && body.client_id !== '') return;
  throw new TransportError(
    'registration_response_missing_client_id',
    `the registration answer from ${safeUrl(res.url)} has ${body.client_id === undefined ? 'no client_id' : 'a client_id that is not a non-empty string'}`,
  );
}

export interface DeleteRegistrationParams {
  /** `registration_client_uri` from the registration answer. */
  clientUri: string;
  registrationAccessToken: string;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/** RFC 7592 §2.3: DELETE the client configuration endpoint with the registration access token. */
export async function deleteRegistrationRequest(http: HttpClient, p: DeleteRegistrationParams): Promise<void> {
  const res = await http.request({
    method: 'DELETE',
    url: p.clientUri,
    headers: { accept: 'application/json', authorization: `Bearer ${p.registrationAccessToken}` },
  });
  processDeleteRegistrationResponse(res, context(p.clientUri, 'unregistration', p));
}

/**
 * RFC 7592 §2.3: 204 means deleted. A 401/403 or an OAuth error means the server refused (the
 * client may already be gone, or the registration access token is no longer valid).
 */
export function processDeleteRegistrationResponse(res: HttpResponse, ctx: OAuthResponseContext): void {
  if (res.status === 204 || res.status === 200) return;
  if (res.text.trim() !== '') {
    const body = readOAuthBody(res, ctx, { allowEmpty: true });
    throwIfOAuthError(body, res, ctx);
  }
  throw new TransportError('protocol', `client configuration endpoint ${safeUrl(res.url)} answered HTTP ${res.status}`, { status: res.status });
}

function context(endpoint: string, operation: string, p: { warn: (m: string) => void; note?: (m: string) => void }): OAuthResponseContext {
  return {
    endpoint,
    name: operation === 'registration' ? 'registration endpoint' : 'client configuration endpoint',
    operation,
    warn: p.warn,
    ...(p.note ? { note: p.note } : {}),
  };
}

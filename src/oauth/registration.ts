/**
 * Dynamic client registration (RFC 7591) and its management protocol (RFC 7592): a request
 * function and a pure response check for each, as every endpoint here has.
 *
 * The registration answer holds secrets (`client_secret`, `registration_access_token`): messages
 * never quote it, and the caller keeps those two in the token store.
 *
 * @see RFC 7591 §3.1 (request), §3.2.1 (response), §3.2.2 (errors); RFC 7592 §2.3 (delete)
 */
import type { HttpResponse } from '../http/types.js';
import { exchange, type AuthServer } from './pipeline.js';
import { assertSuccessStatus, protocolError, readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from './response.js';

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

/**
 * RFC 7591 §3.1: POST the metadata as JSON to the pipeline's `registration_endpoint`, with an
 * initial access token as the Bearer header when the server wants one.
 */
export async function registrationRequest(as: AuthServer, metadata: ClientMetadata, initialAccessToken?: string): Promise<RegisteredClient> {
  return exchange(
    as,
    { endpoint: 'registration_endpoint', json: metadata, ...(initialAccessToken !== undefined ? { accessToken: initialAccessToken } : {}) },
    processRegistrationResponse,
  );
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
  if (res.status === 200) ctx.note?.('registration endpoint answered 200 (RFC 7591 §3.2.1 says 201)');
  else assertSuccessStatus(res, ctx, 201);
  checkClientId(body, res, ctx);
  for (const name of [...REGISTRATION_SECRETS, 'registration_client_uri']) {
    if (body[name] !== undefined && typeof body[name] !== 'string') {
      throw protocolError('registration_response_invalid_member', `the registration answer has a ${name} that is not a string`, { check: 'checkRegistrationMember', attribute: name, expected: 'string', actual: typeof body[name] }, res, ctx);
    }
  }
  return body as RegisteredClient;
}

/** RFC 7591 §3.2.1: `client_id` REQUIRED, a non-empty string. */
function checkClientId(body: Record<string, unknown>, res: HttpResponse, ctx: OAuthResponseContext): void {
  if (typeof body.client_id === 'string' && body.client_id !== '') return;
  throw protocolError(
    'registration_response_missing_client_id',
    `the registration answer has ${body.client_id === undefined ? 'no client_id' : 'a client_id that is not a non-empty string'}`,
    { check: 'checkClientId', attribute: 'client_id', expected: 'a non-empty string', actual: body.client_id === undefined ? undefined : typeof body.client_id },
    res,
    ctx,
  );
}

/** RFC 7592 §2.3: DELETE the pipeline's `registration_client_uri` with the registration access token. */
export async function deleteRegistrationRequest(as: AuthServer, registrationAccessToken: string): Promise<void> {
  await exchange(as, { endpoint: 'registration_client_uri', method: 'DELETE', accessToken: registrationAccessToken }, processDeleteRegistrationResponse);
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
  assertSuccessStatus(res, ctx, 204);
}

/**
 * `register` and `profile remove --unregister`: dynamic client registration (RFC 7591) with the
 * defaults a command-line client wants, and deleting it again (RFC 7592). Protocol only: the
 * caller reads flags and files, saves the profile and the store entry, and renders.
 */
import { isClientAuthMethod, isGrant, type Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { discoveryRequest } from '../oauth/discovery.js';
import {
  deleteRegistrationRequest,
  registrationRequest,
  REGISTRATION_SECRETS,
  type ClientMetadata,
  type RegisteredClient,
} from '../oauth/registration.js';
import { REDACTED } from '../http/redact.js';
import type { StoreEntry, StoredRegistration } from '../store/types.js';
import { authServerAt } from './auth-server.js';
import type { AppContext } from './context.js';
import { assertSecureUrl } from './endpoints.js';

/** The loopback redirect URI a native client registers (RFC 8252 §7.3; the port is free at login). */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';

/** SPEC "Registration": what a command-line client registers unless told otherwise. */
export const DEFAULT_CLIENT_METADATA: Readonly<ClientMetadata> = Object.freeze({
  application_type: 'native',
  redirect_uris: [DEFAULT_REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
});

/** oauthctl's grant names → RFC 7591 §2 `grant_types` values. */
const GRANT_TYPE_URIS: Record<string, string> = {
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
  token_exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
};

export interface ClientMetadataChoices {
  redirectUris?: string[];
  grants?: string[];
  clientAuth?: string;
  scope?: string;
  clientName?: string;
  /** `--metadata`: merged last, over everything above. */
  extra?: Record<string, unknown>;
}

/**
 * The defaults, changed by the choices, then `extra` merged over them. A client without the
 * `authorization_code` (or `implicit`) grant registers no redirect URI and no response type;
 * one with `client_credentials` and no chosen method authenticates with a secret.
 */
export function clientMetadata(choices: ClientMetadataChoices): ClientMetadata {
  const metadata: ClientMetadata = { ...DEFAULT_CLIENT_METADATA, redirect_uris: [...(DEFAULT_CLIENT_METADATA.redirect_uris ?? [])] };
  if (choices.grants?.length) metadata.grant_types = [...new Set(choices.grants.map((g) => GRANT_TYPE_URIS[g] ?? g))];
  const grants = metadata.grant_types ?? [];
  if (choices.redirectUris?.length) metadata.redirect_uris = [...choices.redirectUris];
  if (!grants.includes('authorization_code') && !grants.includes('implicit')) {
    delete metadata.redirect_uris;
    metadata.response_types = [];
  }
  if (choices.clientAuth) metadata.token_endpoint_auth_method = choices.clientAuth;
  else if (grants.includes('client_credentials')) metadata.token_endpoint_auth_method = 'client_secret_basic';
  if (choices.scope) metadata.scope = choices.scope;
  if (choices.clientName) metadata.client_name = choices.clientName;
  return { ...metadata, ...choices.extra };
}

export interface RegisterRequest {
  /** Where discovery happens (`issuer`, `discovery: false`), and fields kept in the new profile. */
  settings: Profile;
  /** An explicit registration endpoint; else discovery's `registration_endpoint`. */
  registrationEndpoint?: string;
  metadata: ClientMetadata;
  initialAccessToken?: string;
}

export interface Registration {
  /** The server's answer (holds secrets: render it through `redactRegistration`). */
  client: RegisteredClient;
  /** The profile to save: the settings given, with what the server assigned. */
  profile: Profile;
  /** What goes to the token store (never to config.json). */
  secrets: Pick<StoreEntry, 'client_secret' | 'registration'>;
}

/**
 * Registers a client. The endpoint is the explicit one, else the `registration_endpoint` of the
 * issuer's metadata; neither is a UsageError `missing_endpoint` (attribute `registration_endpoint`).
 * @see RFC 7591 §3
 */
export async function registerClient(req: RegisterRequest, ctx: AppContext): Promise<Registration> {
  const endpoint = req.registrationEndpoint ?? (await discoveredRegistrationEndpoint(req.settings, ctx));
  assertSecureUrl(endpoint, 'registration endpoint', ctx.insecure);
  ctx.redactor.addSecret(req.initialAccessToken);
  const as = authServerAt({ ...(req.settings.issuer ? { issuer: req.settings.issuer } : {}), registration_endpoint: endpoint }, undefined, ctx);
  const client = await registrationRequest(as, req.metadata, req.initialAccessToken);
  for (const name of REGISTRATION_SECRETS) ctx.redactor.addSecret(client[name]);
  const registration: StoredRegistration = {};
  if (client.registration_access_token) registration.access_token = client.registration_access_token;
  if (client.registration_client_uri) registration.client_uri = client.registration_client_uri;
  return {
    client,
    profile: profileFromRegistration(client, req.settings),
    secrets: {
      ...(client.client_secret ? { client_secret: client.client_secret } : {}),
      ...(Object.keys(registration).length > 0 ? { registration } : {}),
    },
  };
}

async function discoveredRegistrationEndpoint(settings: Profile, ctx: AppContext): Promise<string> {
  if (settings.issuer && settings.discovery !== false) {
    assertSecureUrl(settings.issuer, 'issuer', ctx.insecure);
    const found = await discoveryRequest(ctx.http, settings.issuer, ctx.note);
    const endpoint = found?.metadata.registration_endpoint;
    if (typeof endpoint === 'string' && endpoint !== '') return endpoint;
    throw new UsageError(
      found ? `${settings.issuer} does not offer dynamic client registration (no registration_endpoint in its metadata)` : `${settings.issuer} serves no metadata, so its registration endpoint is unknown`,
      { code: 'missing_endpoint', attribute: 'registration_endpoint', context: { issuerKnown: true } },
    );
  }
  throw new UsageError('no registration endpoint is known', {
    code: 'missing_endpoint',
    attribute: 'registration_endpoint',
    context: { issuerKnown: settings.issuer !== undefined && settings.issuer !== '' },
  });
}

/** The profile a registration yields: the settings given, the client id, and what the client may do. */
export function profileFromRegistration(client: RegisteredClient, settings: Profile): Profile {
  const profile: Profile = { ...settings, client_id: client.client_id };
  const method = client.token_endpoint_auth_method;
  if (isClientAuthMethod(method)) profile.client_auth = method;
  if (typeof client.scope === 'string' && client.scope !== '') profile.scope = client.scope;
  const redirect = Array.isArray(client.redirect_uris) ? client.redirect_uris[0] : undefined;
  if (typeof redirect === 'string' && redirect !== DEFAULT_REDIRECT_URI) profile.redirect_uri = redirect;
  const grants = Array.isArray(client.grant_types) ? client.grant_types : ['authorization_code'];
  if (!grants.includes('authorization_code')) {
    const byUri = Object.fromEntries(Object.entries(GRANT_TYPE_URIS).map(([name, uri]) => [uri, name]));
    const first = grants.map((g) => (typeof g === 'string' ? (byUri[g] ?? g) : '')).find((g) => ['client_credentials', 'device_code', 'password'].includes(g));
    if (isGrant(first)) profile.grant = first;
  }
  return profile;
}

/** The server's answer for printing: secrets replaced unless `reveal`. */
export function redactRegistration(client: RegisteredClient, reveal: boolean): Record<string, unknown> {
  if (reveal) return { ...client };
  const out: Record<string, unknown> = { ...client };
  for (const name of REGISTRATION_SECRETS) if (typeof out[name] === 'string') out[name] = REDACTED;
  return out;
}

/**
 * RFC 7592 §2.3: deletes the registration with its registration access token. Without one (the
 * server gave none, or the entry was lost) it is a UsageError with code `registration_unknown`.
 */
export async function unregisterClient(registration: StoredRegistration | undefined, ctx: AppContext): Promise<void> {
  if (!registration?.access_token || !registration.client_uri) {
    throw new UsageError('no registration access token and client configuration URI are stored for this profile', { code: 'registration_unknown' });
  }
  assertSecureUrl(registration.client_uri, 'client configuration endpoint', ctx.insecure);
  ctx.redactor.addSecret(registration.access_token);
  await deleteRegistrationRequest(authServerAt({ registration_client_uri: registration.client_uri }, undefined, ctx), registration.access_token);
}

import { UsageError } from '../errors.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../oauth/client-auth-methods.js';
import type { EndpointFields } from '../oauth/discovery.js';

/** Profile names become keychain accounts and lock file names; the store owns the rule. */
export { assertProfileName, isProfileName } from '../store/profile-name.js';

/** A profile as saved in config.json (SPEC "Profiles and files"). Never holds a secret. */
export interface Profile extends EndpointFields {
  issuer?: string;
  client_id?: string;
  client_auth?: ClientAuthMethod;
  private_key?: string;
  scope?: string;
  audience?: string;
  resource?: string;
  redirect_uri?: string;
  grant?: Grant;
  api_base_url?: string;
  params?: Record<string, string>;
  /** false: never request `/.well-known/` documents. */
  discovery?: boolean;
}

export type StringField = Exclude<keyof Profile, 'params' | 'discovery'>;

export interface FieldSpec {
  field: StringField;
  /** Commander flag, e.g. `--token-url <url>`. */
  flag: string;
  description: string;
  env?: string;
  url?: boolean;
}

/** Every string field of a profile, with its per-command flag and environment variable. */
export const PROFILE_FIELDS: readonly FieldSpec[] = [
  { field: 'issuer', flag: '--issuer <url>', description: 'authorization server issuer (discovery base)', env: 'OAUTHCTL_ISSUER', url: true },
  { field: 'authorization_endpoint', flag: '--auth-url <url>', description: 'authorization endpoint', url: true },
  { field: 'token_endpoint', flag: '--token-url <url>', description: 'token endpoint', url: true },
  { field: 'device_authorization_endpoint', flag: '--device-url <url>', description: 'device authorization endpoint', url: true },
  { field: 'introspection_endpoint', flag: '--introspect-url <url>', description: 'introspection endpoint', url: true },
  { field: 'revocation_endpoint', flag: '--revoke-url <url>', description: 'revocation endpoint', url: true },
  { field: 'userinfo_endpoint', flag: '--userinfo-url <url>', description: 'userinfo endpoint', url: true },
  { field: 'jwks_uri', flag: '--jwks-uri <url>', description: 'JWKS URI', url: true },
  { field: 'client_id', flag: '--client-id <id>', description: 'client id', env: 'OAUTHCTL_CLIENT_ID' },
  { field: 'client_auth', flag: '--client-auth <method>', description: 'client_secret_basic|client_secret_post|client_secret_jwt|private_key_jwt|none' },
  { field: 'private_key', flag: '--private-key <file>', description: 'PEM or JWK file for private_key_jwt' },
  { field: 'scope', flag: '--scope <scopes>', description: 'space-separated scopes' },
  { field: 'audience', flag: '--audience <aud>', description: 'audience parameter' },
  { field: 'resource', flag: '--resource <uri>', description: 'resource indicator (RFC 8707)' },
  { field: 'redirect_uri', flag: '--redirect-uri <uri>', description: 'redirect URI (loopback)', url: true },
  { field: 'grant', flag: '--grant <grant>', description: 'authorization_code|client_credentials|password|device_code|implicit|refresh_token' },
  { field: 'api_base_url', flag: '--base-url <url>', description: 'API base URL for `call /path`', env: 'OAUTHCTL_API_BASE_URL', url: true },
];

export const GRANTS = ['authorization_code', 'client_credentials', 'password', 'device_code', 'implicit', 'refresh_token'] as const;
export type Grant = (typeof GRANTS)[number];

/** Checks one profile's values (from flags, env or the file) so bad input fails early (exit 2). */
export function validateProfile(p: Profile, source: string): Profile {
  for (const spec of PROFILE_FIELDS) {
    const value = p[spec.field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new UsageError(`${source}: ${spec.field} must be a string`);
    if (spec.url) assertUrl(value, `${source}: ${spec.field}`);
  }
  if (p.client_auth !== undefined && !isClientAuthMethod(p.client_auth)) {
    throw new UsageError(`${source}: unknown client_auth '${p.client_auth}'`, { hint: `use one of ${CLIENT_AUTH_METHODS.join(', ')}` });
  }
  if (p.grant !== undefined && !isGrant(p.grant)) {
    throw new UsageError(`${source}: unknown grant '${p.grant}'`, { hint: `use one of ${GRANTS.join(', ')}` });
  }
  if (p.params !== undefined && (typeof p.params !== 'object' || p.params === null || Array.isArray(p.params))) {
    throw new UsageError(`${source}: params must be an object of strings`);
  }
  return p;
}

export function assertUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} is not a valid URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${what} must be an http(s) URL: ${value}`);
  }
  return url;
}

/** `--param k=v` (repeatable) → `{ k: v }`. */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>; // `--param __proto__=x` is a parameter like any other
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects key=value, got '${pair}'`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * Flags win over environment, environment over the saved profile (SPEC "Environment").
 * `params` merge key by key in the same order.
 */
export function resolveProfile(layers: { flags: Profile; env: Record<string, string | undefined>; saved?: Profile }): Profile {
  const raw: Record<string, string> = {};
  for (const spec of PROFILE_FIELDS) {
    const value = spec.env ? layers.env[spec.env] : undefined;
    if (value) raw[spec.field] = value;
  }
  const fromEnv = validateProfile(raw as Profile, 'environment');
  const saved = layers.saved ?? {};
  const merged: Profile = { ...saved, ...definedOnly(fromEnv), ...definedOnly(layers.flags) };
  const params = { ...saved.params, ...layers.flags.params };
  if (Object.keys(params).length > 0) merged.params = params;
  return merged;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function isGrant(value: unknown): value is Grant {
  return (GRANTS as readonly unknown[]).includes(value);
}

export function isClientAuthMethod(value: unknown): value is ClientAuthMethod {
  return (CLIENT_AUTH_METHODS as readonly unknown[]).includes(value);
}

/** SPEC: the default grant is authorization_code when an authorization endpoint is known. */
export function defaultGrant(p: Profile): Grant {
  return p.grant ?? (p.authorization_endpoint || p.issuer ? 'authorization_code' : 'client_credentials');
}

import { UsageError } from '../errors.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../oauth/client-auth-methods.js';
import type { EndpointFields } from '../oauth/discovery.js';
import { TOKEN_TYPE_FIELDS, resolveTokenType } from '../oauth/token-types.js';
import { DPOP_ALGS, isDpopAlg } from '../oauth/dpop-algs.js';

/** Profile names become keychain accounts and lock file names; the store owns the rule. */
export { assertProfileName, isProfileName } from '../store/profile-name.js';
import type { GrantInputs } from '../store/types.js';

/**
 * A profile as saved in config.json (SPEC "Profiles and files"). Never holds a secret. The
 * token_exchange / jwt_bearer fields (and `audience`, `resource`) are the `GrantInputs` a token
 * set keeps for renewal.
 */
export interface Profile extends EndpointFields, GrantInputs {
  issuer?: string;
  client_id?: string;
  client_auth?: ClientAuthMethod;
  private_key?: string;
  /** Mutual TLS (RFC 8705): the client certificate's PEM file (a path; the file is not a secret store). */
  tls_client_cert?: string;
  /** Its private key's PEM file (a path, never the key); default: the certificate's file. */
  tls_client_key?: string;
  scope?: string;
  redirect_uri?: string;
  grant?: Grant;
  api_base_url?: string;
  params?: Record<string, string>;
  /** false: never request `/.well-known/` documents. */
  discovery?: boolean;
  /** RFC 9449: DPoP-bound tokens (`--dpop`). */
  dpop?: boolean;
  /** The DPoP key's algorithm (`--dpop-alg`): ES256 (default), PS256, RS256 or EdDSA. */
  dpop_alg?: string;
  /** RFC 9126: push authorization requests (`--par`); automatic when the metadata requires it. */
  par?: boolean;
  /** RFC 9101: send the authorization request as a signed request object (`--request-object`). */
  request_object?: boolean;
}

export type StringField = Exclude<keyof Profile, 'params' | 'discovery' | 'assertion_claims' | 'dpop' | 'authorization_details' | 'par' | 'request_object'>;

export interface FieldSpec {
  field: StringField;
  /** Commander flag, e.g. `--token-url <url>`. */
  flag: string;
  description: string;
  env?: string;
  url?: boolean;
  /** The flag may be given several times (the field then holds a list). */
  repeatable?: boolean;
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
  { field: 'pushed_authorization_request_endpoint', flag: '--par-url <url>', description: 'pushed authorization request endpoint (RFC 9126)', url: true },
  { field: 'client_id', flag: '--client-id <id>', description: 'client id', env: 'OAUTHCTL_CLIENT_ID' },
  { field: 'client_auth', flag: '--client-auth <method>', description: 'client_secret_basic|client_secret_post|client_secret_jwt|private_key_jwt|tls_client_auth|self_signed_tls_client_auth|none' },
  { field: 'private_key', flag: '--private-key <file>', description: 'PEM or JWK file for private_key_jwt' },
  { field: 'tls_client_cert', flag: '--cert <file>', description: 'client certificate (PEM) for mutual TLS, RFC 8705' },
  { field: 'tls_client_key', flag: '--key <file>', description: "the client certificate's private key (PEM; default: the --cert file)" },
  { field: 'scope', flag: '--scope <scopes>', description: 'space-separated scopes' },
  { field: 'audience', flag: '--audience <aud>', description: 'audience parameter' },
  { field: 'resource', flag: '--resource <uri>', description: 'resource indicator (RFC 8707; repeatable)', repeatable: true },
  { field: 'redirect_uri', flag: '--redirect-uri <uri>', description: 'redirect URI (loopback)', url: true },
  { field: 'grant', flag: '--grant <grant>', description: 'authorization_code|client_credentials|password|device_code|implicit|refresh_token|token_exchange|jwt_bearer' },
  { field: 'dpop_alg', flag: '--dpop-alg <alg>', description: 'DPoP key algorithm: ES256 (default), PS256, RS256 or EdDSA' },
  { field: 'api_base_url', flag: '--base-url <url>', description: 'API base URL for `call /path`', env: 'OAUTHCTL_API_BASE_URL', url: true },
  { field: 'subject_token', flag: '--subject-token <src>', description: 'token_exchange: the subject token (TOKEN, -, @FILE, env:NAME, profile:NAME[#id_token], github-actions)' },
  { field: 'subject_token_type', flag: '--subject-token-type <type>', description: 'token_exchange: access_token|refresh_token|id_token|jwt|saml1|saml2 or a URN' },
  { field: 'subject_audience', flag: '--subject-audience <aud>', description: 'github-actions source: the ID token\'s audience' },
  { field: 'actor_token', flag: '--actor-token <src>', description: 'token_exchange: the actor token (a source, as --subject-token)' },
  { field: 'actor_token_type', flag: '--actor-token-type <type>', description: 'token_exchange: the actor token\'s type' },
  { field: 'requested_token_type', flag: '--requested-token-type <type>', description: 'token_exchange: the type of token wanted' },
  { field: 'assertion', flag: '--assertion <src>', description: 'jwt_bearer: the assertion (a source, as --subject-token)' },
  { field: 'subject', flag: '--subject <sub>', description: 'jwt_bearer self-signed assertion: sub (default: the client id)' },
  { field: 'assertion_audience', flag: '--assertion-audience <aud>', description: 'jwt_bearer self-signed assertion: aud (default: the token endpoint)' },
];

export const GRANTS = [
  'authorization_code',
  'client_credentials',
  'password',
  'device_code',
  'implicit',
  'refresh_token',
  'token_exchange',
  'jwt_bearer',
] as const;
export type Grant = (typeof GRANTS)[number];

/** Checks one profile's values (from flags, env or the file) so bad input fails early (exit 2). */
export function validateProfile(p: Profile, source: string): Profile {
  for (const spec of PROFILE_FIELDS) {
    const value = p[spec.field];
    if (value === undefined) continue;
    const list = spec.repeatable && Array.isArray(value) ? (value as unknown[]) : [value];
    if (list.length === 0 || !list.every((v) => typeof v === 'string')) {
      throw new UsageError(`${source}: ${spec.field} must be a string${spec.repeatable ? ' or a list of strings' : ''}`);
    }
    if (spec.url) for (const v of list) assertUrl(v as string, `${source}: ${spec.field}`);
  }
  for (const field of TOKEN_TYPE_FIELDS) {
    if (typeof p[field] === 'string') resolveTokenType(p[field], `${source}: ${field}`);
  }
  if (p.assertion_claims !== undefined && !isStringRecord(p.assertion_claims)) {
    throw new UsageError(`${source}: assertion_claims must be an object of strings`);
  }
  if (p.client_auth !== undefined && !isClientAuthMethod(p.client_auth)) {
    throw new UsageError(`${source}: unknown client_auth '${p.client_auth}'`, { hint: `use one of ${CLIENT_AUTH_METHODS.join(', ')}` });
  }
  if (p.grant !== undefined && !isGrant(p.grant)) {
    throw new UsageError(`${source}: unknown grant '${p.grant}'`, { hint: `use one of ${GRANTS.join(', ')}` });
  }
  for (const field of ['dpop', 'par', 'request_object'] as const) {
    if (p[field] !== undefined && typeof p[field] !== 'boolean') throw new UsageError(`${source}: ${field} must be true or false`);
  }
  if (p.dpop_alg !== undefined && !isDpopAlg(p.dpop_alg)) {
    throw new UsageError(`${source}: unknown dpop_alg '${p.dpop_alg}'`, { hint: `use one of ${DPOP_ALGS.join(', ')}` });
  }
  // RFC 9396: JSON text, @FILE or (in config.json) the array; read and checked by the grant that sends it.
  const details = p.authorization_details;
  if (details !== undefined && !((typeof details === 'string' && details !== '') || Array.isArray(details))) {
    throw new UsageError(`${source}: authorization_details must be a JSON array, its JSON text, or @FILE`, { code: 'invalid_authorization_details' });
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

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

/** `--param k=v` (repeatable) → `{ k: v }`; `flag` names the option in the error. */
export function parseParams(pairs: readonly string[], flag = '--param'): Record<string, string> {
  const out = Object.create(null) as Record<string, string>; // `--param __proto__=x` is a parameter like any other
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got '${pair}'`);
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
  const claims = { ...saved.assertion_claims, ...layers.flags.assertion_claims };
  if (Object.keys(claims).length > 0) merged.assertion_claims = claims;
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

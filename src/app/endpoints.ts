import { UsageError } from '../errors.js';
import type { Profile } from '../config/profile.js';
import { discoveryRequest, type AuthServerMetadata } from '../oauth/discovery.js';
import type { AppContext } from './context.js';

export type EndpointName =
  | 'authorization_endpoint'
  | 'token_endpoint'
  | 'device_authorization_endpoint'
  | 'introspection_endpoint'
  | 'revocation_endpoint'
  | 'userinfo_endpoint'
  | 'jwks_uri';

/** The flag that sets each endpoint, for error hints. */
export const ENDPOINT_FLAGS: Record<EndpointName, string> = {
  authorization_endpoint: '--auth-url',
  token_endpoint: '--token-url',
  device_authorization_endpoint: '--device-url',
  introspection_endpoint: '--introspect-url',
  revocation_endpoint: '--revoke-url',
  userinfo_endpoint: '--userinfo-url',
  jwks_uri: '--jwks-uri',
};

export type Endpoints = Partial<Record<EndpointName, string>> & { issuer?: string };

/**
 * Explicit endpoints win over discovery (SPEC "Profiles and files"). Discovery is requested only
 * when an endpoint in `need` is not given explicitly, an issuer is known, and discovery is not
 * turned off; a server without a discovery document (404) leaves the explicit endpoints alone.
 */
export async function resolveEndpoints(
  settings: Profile,
  need: readonly EndpointName[],
  ctx: AppContext,
  opts: { required?: boolean } = {},
): Promise<Endpoints> {
  const endpoints: Endpoints = {};
  if (settings.issuer) endpoints.issuer = settings.issuer;
  for (const name of Object.keys(ENDPOINT_FLAGS) as EndpointName[]) {
    if (settings[name]) endpoints[name] = settings[name];
  }
  const missing = need.filter((n) => !endpoints[n]);
  if (missing.length > 0 && settings.issuer && settings.discovery !== false) {
    assertSecureUrl(settings.issuer, 'issuer', ctx.insecure);
    const found = await discoveryRequest(ctx.http, settings.issuer, ctx.note);
    if (found) mergeMetadata(endpoints, found.metadata);
    else ctx.note(`${settings.issuer} has no discovery document; using explicit endpoints only`);
  }
  for (const name of need) {
    const url = endpoints[name];
    if (!url && opts.required === false) continue;
    if (!url) {
      throw new UsageError(`no ${name.replace(/_/g, ' ')} is known`, {
        hint: `give ${ENDPOINT_FLAGS[name]} <url>${settings.issuer ? '' : ', or --issuer for discovery'}`,
      });
    }
    assertSecureUrl(url as string, name, ctx.insecure);
  }
  return endpoints;
}

function mergeMetadata(endpoints: Endpoints, metadata: AuthServerMetadata): void {
  for (const name of Object.keys(ENDPOINT_FLAGS) as EndpointName[]) {
    const value = metadata[name];
    if (!endpoints[name] && typeof value === 'string') endpoints[name] = value;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname.endsWith('.localhost');
}

/**
 * SPEC: an `http://` authorization server endpoint on a host that is not loopback is refused
 * (exit 2, before any request) unless `--insecure`.
 */
export function assertSecureUrl(value: string, what: string, insecure: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} is not a valid URL: ${value}`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') throw new UsageError(`${what} must be an http(s) URL: ${value}`);
  if (!insecure && !isLoopbackHost(url.hostname)) {
    throw new UsageError(`refusing plain http:// for ${what} on a non-loopback host: ${value}`, {
      hint: 'use https://, or --insecure if you really mean it',
    });
  }
}

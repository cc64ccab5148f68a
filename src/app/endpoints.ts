import { isLoopbackHost } from '../http/loopback.js';
import { UsageError } from '../errors.js';
import type { Profile } from '../config/profile.js';
import { discoveryRequest, type AuthServerMetadata } from '../oauth/discovery.js';
import { ENDPOINT_NAMES, type EndpointName, type Endpoints } from '../oauth/pipeline.js';
import type { AppContext } from './context.js';

export type { EndpointName, Endpoints } from '../oauth/pipeline.js';

/**
 * Explicit endpoints win over discovery (SPEC "Profiles and files"). Discovery is requested only
 * when an endpoint in `need` is not given explicitly, an issuer is known, and discovery is not
 * turned off; a server without a discovery document (404) leaves the explicit endpoints alone.
 *
 * @throws UsageError `missing_endpoint` (attribute: the endpoint) when a needed one is unknown,
 *   `insecure_url` / `invalid_url` for an endpoint that may not be used.
 */
export async function resolveEndpoints(
  settings: Profile,
  need: readonly EndpointName[],
  ctx: AppContext,
  opts: { required?: boolean } = {},
): Promise<Endpoints> {
  const endpoints: Endpoints = {};
  if (settings.issuer) endpoints.issuer = settings.issuer;
  for (const name of ENDPOINT_NAMES) {
    if (settings[name]) endpoints[name] = settings[name];
  }
  const missing = need.filter((n) => !endpoints[n]);
  if (missing.length > 0 && settings.issuer && settings.discovery !== false) {
    assertSecureUrl(settings.issuer, 'issuer', ctx.insecure);
    const found = await discoveryRequest(ctx.http, settings.issuer, ctx.note);
    if (found) {
      mergeMetadata(endpoints, found.metadata);
      if (settings.tls_client_cert) useMtlsAliases(endpoints, found.metadata, settings, ctx);
    } else ctx.note(`${settings.issuer} has no discovery document; using explicit endpoints only`);
  }
  for (const name of need) {
    const url = endpoints[name];
    if (!url && opts.required === false) continue;
    if (!url) {
      throw new UsageError(`no ${name.replace(/_/g, ' ')} is known`, {
        code: 'missing_endpoint',
        attribute: name,
        context: { issuerKnown: settings.issuer !== undefined && settings.issuer !== '' },
      });
    }
    assertSecureUrl(url, name, ctx.insecure);
  }
  return endpoints;
}

function mergeMetadata(endpoints: Endpoints, metadata: AuthServerMetadata): void {
  for (const name of ENDPOINT_NAMES) {
    const value = metadata[name];
    if (!endpoints[name] && typeof value === 'string') endpoints[name] = value;
  }
  // RFC 9207 §3: the server promises `iss` in every authorization response.
  if (metadata.authorization_response_iss_parameter_supported === true) endpoints.authorization_response_iss_parameter_supported = true;
  // RFC 9126 §5, RFC 9101 §10.5: the server takes authorization requests only pushed / signed.
  if (metadata.require_pushed_authorization_requests === true) endpoints.require_pushed_authorization_requests = true;
  if (metadata.require_signed_request_object === true) endpoints.require_signed_request_object = true;
}

/**
 * RFC 8705 §5: a client that presents a certificate uses the metadata's `mtls_endpoint_aliases`
 * instead of the endpoints they name. An endpoint given explicitly (flag or profile) stays as given.
 */
function useMtlsAliases(endpoints: Endpoints, metadata: AuthServerMetadata, settings: Profile, ctx: AppContext): void {
  const aliases = metadata['mtls_endpoint_aliases'];
  if (typeof aliases !== 'object' || aliases === null || Array.isArray(aliases)) return;
  const explicit = settings as Readonly<Record<string, unknown>>;
  const target = endpoints as Record<string, unknown>;
  for (const [name, alias] of Object.entries(aliases as Record<string, unknown>)) {
    if (typeof alias !== 'string' || explicit[name] !== undefined || typeof target[name] !== 'string' || target[name] === alias) continue;
    target[name] = alias;
    ctx.note(`mutual TLS: ${name} is the mtls_endpoint_aliases one, ${alias}`);
  }
}

export { isLoopbackHost };

/**
 * SPEC: an `http://` authorization server endpoint on a host that is not loopback is refused
 * (exit 2, before any request) unless insecure transport was asked for.
 * @throws UsageError `invalid_url`, `insecure_url` (attribute: `what`).
 */
export function assertSecureUrl(value: string, what: string, insecure: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} is not a valid URL: ${value}`, { code: 'invalid_url', attribute: what });
  }
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') throw new UsageError(`${what} must be an http(s) URL: ${value}`, { code: 'invalid_url', attribute: what });
  if (!insecure && !isLoopbackHost(url.hostname)) {
    throw new UsageError(`refusing plain http:// for ${what} on a non-loopback host: ${value}`, { code: 'insecure_url', attribute: what });
  }
}

/**
 * From an API's URL to a profile (RFC 9728): find the resource's metadata — at its well-known
 * URL, else where the `resource_metadata` parameter of an unauthenticated request's
 * `WWW-Authenticate` points — and take the issuer, resource and base URL from it.
 */
import type { Profile } from '../config/profile.js';
import { ProtocolError, TransportError } from '../errors.js';
import { safeUrl } from '../http/safe-url.js';
import {
  resourceMetadataRequest,
  resourceMetadataWellKnownUrl,
  type FoundResourceMetadata,
} from '../oauth/resource-metadata.js';
import { parseWwwAuthenticate, resourceMetadataUrl } from '../oauth/www-authenticate.js';
import type { AppContext } from './context.js';
import { assertSecureUrl } from './endpoints.js';

/**
 * @throws TransportError `resource_metadata_not_found` (exit 4) naming both places tried;
 *   ProtocolError `resource_metadata_resource_mismatch` when a document is for another resource.
 */
export async function findResourceMetadata(resource: string, ctx: AppContext): Promise<FoundResourceMetadata> {
  assertSecureUrl(resource, 'the resource URL', ctx.insecure);
  const wellKnown = resourceMetadataWellKnownUrl(resource);
  const found = await resourceMetadataRequest(ctx.http, wellKnown, resource);
  if (!('missing' in found)) return found;
  ctx.note(`no protected resource metadata at ${wellKnown} (${found.missing}); asking ${safeUrl(resource)} without a token`);

  const res = await ctx.http.request({ method: 'GET', url: resource, headers: { accept: 'application/json' } });
  const header = res.headers.get('www-authenticate');
  const pointer = header ? resourceMetadataUrl(parseWwwAuthenticate(header)) : undefined;
  if (pointer) {
    assertSecureUrl(pointer, 'resource_metadata', ctx.insecure);
    const pointed = await resourceMetadataRequest(ctx.http, pointer, resource);
    if (!('missing' in pointed)) return pointed;
    throw new TransportError('resource_metadata_not_found', `${safeUrl(resource)} names its metadata at ${safeUrl(pointer)}, which answered ${pointed.missing}`);
  }
  throw new TransportError(
    'resource_metadata_not_found',
    `no protected resource metadata for ${safeUrl(resource)}: ${wellKnown} answered ${found.missing}, and ${safeUrl(resource)} answered ${res.status} without a resource_metadata in WWW-Authenticate`,
  );
}

/**
 * The profile fields a resource's metadata gives: its first authorization server as the issuer,
 * the resource URL as `resource` (RFC 8707) and as the API base URL, and its `scopes_supported`
 * as the scope to ask for (as MCP clients do; an authorization server grants nothing to a
 * request without any scope). A scope the API needs later is asked for by step-up.
 * @throws ProtocolError `resource_metadata_missing_authorization_servers` (exit 4).
 */
export function profileFromResourceMetadata(found: FoundResourceMetadata, resource: string): Profile {
  const issuer = found.metadata.authorization_servers?.[0];
  if (!issuer) {
    throw new ProtocolError('resource_metadata_missing_authorization_servers', `protected resource metadata at ${safeUrl(found.url)} names no authorization server`, {
      check: 'profileFromResourceMetadata',
      attribute: 'authorization_servers',
    });
  }
  const scope = found.metadata.scopes_supported?.join(' ');
  return { issuer, resource, api_base_url: resource, ...(scope ? { scope } : {}) };
}

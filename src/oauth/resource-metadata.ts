/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): where an API says which authorization
 * servers protect it. A request function and a pure response check, as for every endpoint.
 *
 * @see RFC 9728 §2 (metadata), §3.1 (well-known URL), §3.3 (validation), §5.1 (WWW-Authenticate)
 */
import { ProtocolError } from '../errors.js';
import { safeUrl } from '../http/safe-url.js';
import type { HttpClient, HttpResponse } from '../http/types.js';

export interface ResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  bearer_methods_supported?: string[];
  resource_name?: string;
  [member: string]: unknown;
}

export interface FoundResourceMetadata {
  metadata: ResourceMetadata;
  /** Where the document came from. */
  url: string;
  /** The body exactly as served (for `discover --resource -o json`). */
  raw: string;
}

/**
 * RFC 9728 §3.1: `/.well-known/oauth-protected-resource` inserted between the host and the
 * resource's path (and query); a path that is only `/` is dropped.
 */
export function resourceMetadataWellKnownUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`;
}

/**
 * GETs a metadata document. A 4xx answer means nothing is published there: `{ missing: status }`
 * (an API may guard unknown paths with 401 or 403); any other failure throws.
 */
export async function resourceMetadataRequest(
  http: HttpClient,
  url: string,
  expectedResource: string,
): Promise<FoundResourceMetadata | { missing: number }> {
  const res = await http.request({ method: 'GET', url, headers: { accept: 'application/json' } });
  if (res.status >= 400 && res.status < 500) return { missing: res.status };
  return { metadata: processResourceMetadataResponse(res, expectedResource), url, raw: res.text };
}

/** Validates a metadata answer: 200, a JSON object, `resource` equal to the URL asked about, lists of strings. */
export function processResourceMetadataResponse(res: HttpResponse, expectedResource: string): ResourceMetadata {
  const where = safeUrl(res.url);
  if (res.status !== 200) {
    throw new ProtocolError('response_status_unexpected', `protected resource metadata at ${where} answered HTTP ${res.status}`, { check: 'assertSuccessStatus', expected: 200, actual: res.status }, { status: res.status });
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new ProtocolError('resource_metadata_invalid', `protected resource metadata at ${where} is not JSON (${res.headers.get('content-type') ?? 'no content type'})`, { check: 'processResourceMetadataResponse', expected: 'JSON' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProtocolError('resource_metadata_invalid', `protected resource metadata at ${where} is not a JSON object`, { check: 'processResourceMetadataResponse', expected: 'a JSON object' });
  }
  const metadata = body as Record<string, unknown>;
  assertResourceMatches(metadata, expectedResource, where);
  for (const name of ['authorization_servers', 'scopes_supported', 'bearer_methods_supported']) {
    const value = metadata[name];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw new ProtocolError('resource_metadata_invalid', `protected resource metadata at ${where}: ${name} is not a list of strings`, { check: 'processResourceMetadataResponse', attribute: name, expected: 'a list of strings' });
    }
  }
  return metadata as ResourceMetadata;
}

/**
 * RFC 9728 §3.3: the `resource` in the metadata must be identical to the resource the client
 * asked about (compared as URLs, so `https://API.example` equals `https://api.example/`),
 * else the metadata may be an impersonation and is not used.
 */
export function assertResourceMatches(metadata: { resource?: unknown }, expected: string, where: string): void {
  const actual = metadata.resource;
  if (typeof actual === 'string' && sameUrl(actual, expected)) return;
  throw new ProtocolError(
    'resource_metadata_resource_mismatch',
    `protected resource metadata at ${where} is for resource ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`,
    { check: 'assertResourceMatches', attribute: 'resource', expected, actual },
  );
}

function sameUrl(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

import { ProtocolError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/types.js';

/** Authorization server metadata (RFC 8414 §2 / OpenID Connect Discovery 1.0 §3). */
/** The endpoints a client uses, as RFC 8414 §2 names them (profiles use the same names). */
export interface EndpointFields {
  authorization_endpoint?: string;
  token_endpoint?: string;
  device_authorization_endpoint?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  /** RFC 9126 §5: where authorization requests are pushed. */
  pushed_authorization_request_endpoint?: string;
}

/** The endpoints a client uses, named as RFC 8414 §2 names them (profiles use the same names). */
export type EndpointName = keyof EndpointFields;

/** Every endpoint name, in a fixed order. */
export const ENDPOINT_NAMES: readonly EndpointName[] = Object.freeze([
  'authorization_endpoint',
  'token_endpoint',
  'device_authorization_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'pushed_authorization_request_endpoint',
]);

export interface AuthServerMetadata extends EndpointFields {
  issuer: string;
  [member: string]: unknown;
}

export interface Discovered {
  metadata: AuthServerMetadata;
  /** Where the document came from. */
  url: string;
  /** The body exactly as served (for `discover -o json`). */
  raw: string;
}

/**
 * The documents to try, in order: OpenID Connect's `<issuer>/.well-known/openid-configuration`,
 * then RFC 8414 §3's `/.well-known/oauth-authorization-server` (inserted before the issuer's
 * path, and appended after it as some servers serve it).
 */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  const base = `${url.origin}${path}`;
  return [
    ...new Set([
      `${base}/.well-known/openid-configuration`,
      `${url.origin}/.well-known/oauth-authorization-server${path}`,
      `${base}/.well-known/oauth-authorization-server`,
    ]),
  ];
}

/**
 * Fetches the metadata. Returns undefined when every candidate answers 404 (the server has no
 * discovery: explicit endpoints are used alone); any other failure throws.
 */
export async function discoveryRequest(
  http: HttpClient,
  issuer: string,
  note: (m: string) => void = () => {},
): Promise<Discovered | undefined> {
  for (const url of discoveryUrls(issuer)) {
    const res = await http.request({ method: 'GET', url, headers: { accept: 'application/json' } });
    if (res.status === 404) {
      note(`no metadata at ${url} (404)`);
      continue;
    }
    return { metadata: processDiscoveryResponse(res, issuer), url, raw: res.text };
  }
  return undefined;
}

/** Validates a discovery answer: 200, a JSON object, and `issuer` equal to the configured one. */
export function processDiscoveryResponse(res: HttpResponse, expectedIssuer: string): AuthServerMetadata {
  const check = 'processDiscoveryResponse';
  if (res.status !== 200) {
    throw new ProtocolError('response_status_unexpected', `discovery at ${res.url} answered HTTP ${res.status}`, { check, expected: 200, actual: res.status }, { status: res.status });
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    const type = res.headers.get('content-type') ?? 'no content type';
    throw new ProtocolError('response_not_json', `discovery at ${res.url} did not answer JSON (${type})`, { check, expected: 'application/json', actual: type });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProtocolError('response_not_object', `discovery at ${res.url} did not answer a JSON object`, { check, expected: 'a JSON object' });
  }
  const metadata = body as AuthServerMetadata;
  assertIssuerMatches(metadata, expectedIssuer, res.url);
  return metadata;
}

/**
 * RFC 8414 §3.3: the `issuer` in the metadata must be identical to the configured issuer.
 * @throws ProtocolError `discovery_issuer_mismatch`.
 */
export function assertIssuerMatches(metadata: { issuer?: unknown }, expected: string, url: string): void {
  if (metadata.issuer !== expected) {
    throw new ProtocolError(
      'discovery_issuer_mismatch',
      `discovery at ${url} is for issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(expected)}`,
      { check: 'assertIssuerMatches', attribute: 'issuer', expected, actual: metadata.issuer },
      { hint: 'use the issuer exactly as the server names it (trailing slash included)' },
    );
  }
}

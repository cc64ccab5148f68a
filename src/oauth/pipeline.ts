/**
 * The one way to the authorization server. Every request to it — token (every grant and every
 * refresh), device authorization, introspection, revocation, userinfo, pushed authorization
 * requests (PAR) and registration — is an `exchange` here, which does, in order:
 *
 * 1. endpoint choice (`endpointUrl`): the resolved endpoint for the request's name;
 * 2. the request: a form POST (or a GET), `Accept: application/json` (SPEC "Interoperability");
 * 3. client authentication (`applyClientAuth`, with the endpoint as assertion audience), or the
 *    access token as a Bearer header (userinfo);
 * 4. the HTTP client (timeouts, proxies, CA, `-v` tracing: src/http/client.ts);
 * 5. response reading: the endpoint's pure `process…Response`, built on ./response.ts.
 *
 * Registration (RFC 7591/7592) goes the same way: a JSON body (`json`) and a DELETE, with the
 * initial or registration access token as the Bearer header.
 *
 * Each endpoint module is then a request function (`tokenRequest`, …) that names its endpoint
 * and parameters, and a pure process function (`processTokenResponse`, …), as oauth4webapi does.
 *
 * Where issue 14 plugs in, once each:
 * - DPoP (RFC 9449): a proof header built in `exchange` for every request marked `dpop` (token
 *   requests) when `AuthServer.dpop` holds a key, and the one `use_dpop_nonce` retry around `send`;
 * - mutual TLS (RFC 8705, done): `as.http` presents the client certificate (app/client-certificate.ts),
 *   and the endpoints already are the `mtls_endpoint_aliases` ones (app/endpoints.ts), so a stored
 *   token endpoint is the alias too;
 * - PAR (RFC 9126, done): an endpoint like the others (oauth/par.ts), client authentication and
 *   a DPoP proof (`dpop: true`) added here as for a token request;
 * - RAR (RFC 9396): `authorization_details` added to the parameters of the requests that carry
 *   it (token and PAR), in `exchange`.
 */
import { OAuthError, UsageError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import { applyClientAuth, type ClientCredentials } from './client-auth.js';
import type { EndpointName } from './discovery.js';
import type { DpopSigner } from './dpop.js';
import { demandsDpop, isAuthServerNonceChallenge } from './dpop-signals.js';
import type { OAuthResponseContext } from './response.js';

export { ENDPOINT_NAMES, type EndpointName } from './discovery.js';

/**
 * What `exchange` can reach: the client's endpoints, plus registration's (RFC 7591 §3: the
 * metadata's `registration_endpoint`; RFC 7592 §2: the `registration_client_uri` it answers).
 */
export type PipelineEndpoint = EndpointName | 'registration_endpoint' | 'registration_client_uri';

/** Endpoint URLs (explicit > discovered), the issuer they belong to, and what the metadata promises. */
export type Endpoints = Partial<Record<PipelineEndpoint, string>> & {
  issuer?: string;
  /** RFC 9207 §3: every authorization response carries `iss`. */
  authorization_response_iss_parameter_supported?: boolean;
  /** RFC 9126 §5: every authorization request must be pushed. */
  require_pushed_authorization_requests?: boolean;
  /** RFC 9101 §10.5: every authorization request must be a signed request object. */
  require_signed_request_object?: boolean;
};

/** What each endpoint is called in messages, and what a failure there is called. */
export const ENDPOINT_LABELS: Readonly<Record<PipelineEndpoint, { name: string; operation: string }>> = Object.freeze({
  authorization_endpoint: { name: 'authorization endpoint', operation: 'authorization' },
  token_endpoint: { name: 'token endpoint', operation: 'token request' },
  device_authorization_endpoint: { name: 'device authorization endpoint', operation: 'device authorization request' },
  introspection_endpoint: { name: 'introspection endpoint', operation: 'introspection' },
  revocation_endpoint: { name: 'revocation endpoint', operation: 'revocation' },
  userinfo_endpoint: { name: 'userinfo endpoint', operation: 'userinfo request' },
  jwks_uri: { name: 'JWKS', operation: 'JWKS request' },
  pushed_authorization_request_endpoint: { name: 'pushed authorization request endpoint', operation: 'pushed authorization request' },
  registration_endpoint: { name: 'registration endpoint', operation: 'registration' },
  registration_client_uri: { name: 'client configuration endpoint', operation: 'unregistration' },
});

/** One authorization server as a use case talks to it: built once per command by app/. */
export interface AuthServer {
  http: HttpClient;
  endpoints: Endpoints;
  /** Who we are; requests that authenticate the client need it. */
  client?: ClientCredentials;
  /** Epoch milliseconds (client assertions, DPoP proofs). */
  now: () => number;
  /** RFC 9449: the token set's DPoP key; requests marked `dpop` carry a proof made with it. */
  dpop?: DpopSigner;
  warn: (message: string) => void;
  note?: (message: string) => void;
}

/** Form parameters; a list repeats the name (`resource`, `audience`: RFC 8707 §2, RFC 8693 §2.1). */
export type FormParams = Record<string, string | readonly string[] | undefined>;

export interface ExchangeRequest {
  endpoint: PipelineEndpoint;
  /** Default POST. */
  method?: 'POST' | 'GET' | 'DELETE';
  /** Form parameters of a POST; `undefined` and empty values are left out. */
  params?: FormParams;
  /** A JSON body instead of a form (RFC 7591 §3.1); no client authentication then. */
  json?: unknown;
  /** RFC 6750 §2.1: the access token as `Authorization: Bearer` (userinfo). No client auth then. */
  accessToken?: string;
  /** RFC 9449 §5: carry a DPoP proof when the server has a DPoP key (token and PAR requests). */
  dpop?: boolean;
}

/** Reads one endpoint's answer: pure, given the response and where it came from. */
export type ProcessResponse<T> = (res: HttpResponse, ctx: OAuthResponseContext) => T;

/**
 * Endpoint choice: the URL of `name` for this server.
 * @throws UsageError `missing_endpoint` (attribute: the endpoint's name) when none is known.
 */
export function endpointUrl(as: AuthServer, name: PipelineEndpoint): string {
  const url = as.endpoints[name];
  if (url) return url;
  throw new UsageError(`no ${name.replace(/_/g, ' ')} is known`, {
    code: 'missing_endpoint',
    attribute: name,
    context: { issuerKnown: as.endpoints.issuer !== undefined },
  });
}

/**
 * Sends one request to the authorization server and reads the answer with `process`.
 *
 * @throws UsageError when the client's secret or key is missing (nothing is sent); OAuthError,
 *   ProtocolError from `process`; TransportError for network failures.
 */
export async function exchange<T>(as: AuthServer, req: ExchangeRequest, process: ProcessResponse<T>): Promise<T> {
  const url = endpointUrl(as, req.endpoint);
  const method = req.method ?? 'POST';
  const dpop = req.dpop === true ? as.dpop : undefined;
  // Built anew for each send: a retry gets a fresh client assertion and a fresh proof.
  const send = async () => {
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: URLSearchParams | string | undefined;
    if (method === 'POST' && req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (method === 'POST') {
      body = new URLSearchParams();
      for (const [name, value] of Object.entries(req.params ?? {})) {
        for (const one of typeof value === 'string' ? [value] : (value ?? [])) if (one !== '') body.append(name, one);
      }
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (req.accessToken !== undefined) {
      headers.authorization = `Bearer ${req.accessToken}`;
    } else if (as.client !== undefined && body instanceof URLSearchParams) {
      await applyClientAuth(as.client, { audience: url, body, headers, now: as.now });
    }
    if (dpop) headers.dpop = await dpop.proof({ method, url, now: as.now() });
    const res = await as.http.request({ method, url, headers, ...(body === undefined ? {} : { body }) });
    dpop?.rememberNonce(url, res.headers);
    return res;
  };
  let res = await send();
  // RFC 9449 §8: one retry with the nonce the server just gave; never a loop.
  if (dpop && isAuthServerNonceChallenge(res.status, res.headers, res.text)) {
    as.note?.(`${ENDPOINT_LABELS[req.endpoint].name} asked for a DPoP nonce (use_dpop_nonce); repeating the request once with it`);
    res = await send();
  }
  const ctx = {
    endpoint: url,
    ...ENDPOINT_LABELS[req.endpoint],
    warn: as.warn,
    ...(as.note === undefined ? {} : { note: as.note }),
    ...(dpop ? { dpop: true } : {}),
  };
  try {
    return process(res, ctx);
  } catch (err) {
    // SPEC: a server that demands DPoP of a client without it; the CLI names the flag.
    if (err instanceof OAuthError && !dpop && req.dpop === true && demandsDpop(err.error, err.errorDescription)) {
      throw err.retold(err.message, err.hint, { ...err.context, dpop_demanded: true });
    }
    throw err;
  }
}

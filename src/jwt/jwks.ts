/**
 * A remote JSON Web Key Set, fetched through the injected HttpClient and cached for the process.
 *
 * jose's own `createRemoteJWKSet` uses global fetch; oauthctl's requests must go through its one
 * HTTP client (proxies, CAs, `--insecure`, redacted `-v` tracing), so the set is fetched here and
 * handed to jose's `createLocalJWKSet`. When a token names a `kid` the cached set does not hold,
 * the set is fetched once more (the server may have rotated its keys) and the lookup repeated.
 *
 * @see RFC 7517 §5 (JWK Set format); OpenID Connect Core §10.1.1 (rotation of signing keys)
 */
import type { CryptoKey, FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters, LocalJWKSet } from 'jose';
import { ProtocolError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import { safeUrl } from '../http/safe-url.js';

/** A key resolver jose's `jwtVerify` accepts (`JWTVerifyGetKey`). */
export type JwksKeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** Where verification keys come from. */
export interface JwksSource {
  /** The JWKS URL, for messages (without userinfo, query or fragment). */
  readonly uri: string;
  /**
   * The jose key resolver: loads the set on first use; on an unknown `kid`
   * (`ERR_JWKS_NO_MATCHING_KEY`) reloads it once and tries again.
   */
  readonly getKey: JwksKeyResolver;
}

interface CacheEntry {
  /** The set in use (or being fetched). */
  current?: Promise<LocalJWKSet>;
}

/** One cache per HttpClient and URL: a process builds one client, so this is the process cache. */
const cache = new WeakMap<HttpClient, Map<string, CacheEntry>>();

/**
 * A JwksSource for `jwksUri`, fetched with `GET` and `Accept: application/json` through `http`.
 * The set is fetched lazily (on the first key lookup) and shared by every source built for the
 * same client and URL.
 *
 * @throws (from `getKey`) ProtocolError when the answer is not a JWK Set (a non-200
 *   status, HTML, JSON without a `keys` array); TransportError from the client for network
 *   failures; jose's errors (`ERR_JWKS_NO_MATCHING_KEY`, …) when no key fits the token.
 */
export function remoteJwks(http: HttpClient, jwksUri: string): JwksSource {
  let perClient = cache.get(http);
  if (perClient === undefined) {
    perClient = new Map();
    cache.set(http, perClient);
  }
  let entry = perClient.get(jwksUri);
  if (entry === undefined) {
    entry = {};
    perClient.set(jwksUri, entry);
  }
  const state = entry;

  /** Starts a fetch unless one is already under way; a failed fetch is not cached. */
  const reload = (stale: Promise<LocalJWKSet> | undefined): Promise<LocalJWKSet> => {
    if (state.current !== undefined && state.current !== stale) return state.current;
    const pending = fetchJwks(http, jwksUri);
    state.current = pending;
    pending.catch(() => {
      if (state.current === pending) delete state.current;
    });
    return pending;
  };

  const getKey: JwksKeyResolver = async (header, token) => {
    const before = state.current;
    const fresh = before === undefined;
    const set = await (before ?? reload(undefined));
    try {
      return await set(header, token);
    } catch (err) {
      // A set fetched for this very lookup is as new as it gets: no second fetch.
      if (!isNoMatchingKey(err) || fresh) throw err;
    }
    const reloaded = await reload(before);
    return reloaded(header, token);
  };

  return { uri: safeUrl(jwksUri), getKey };
}

/** GETs the set and checks it is a JWK Set (RFC 7517 §5: an object with a `keys` array). */
async function fetchJwks(http: HttpClient, jwksUri: string): Promise<LocalJWKSet> {
  const res = await http.request({ method: 'GET', url: jwksUri, headers: { accept: 'application/json' } });
  const jwks = processJwksResponse(res, jwksUri);
  const { createLocalJWKSet } = await import('jose');
  try {
    return createLocalJWKSet(jwks);
  } catch {
    throw new ProtocolError('jwks_invalid', `JWKS at ${safeUrl(jwksUri)} is not a valid JSON Web Key Set`, { check: 'createLocalJWKSet' }, { status: res.status });
  }
}

/**
 * Validates a JWKS answer: a 2xx status, a JSON body, an object with a `keys` array of objects.
 *
 * @throws ProtocolError naming the URL: `response_status_unexpected`, `response_not_json`,
 *   `response_not_object`, `jwks_invalid`.
 * @see RFC 7517 §5
 */
export function processJwksResponse(res: HttpResponse, jwksUri: string): JSONWebKeySet {
  const where = `JWKS at ${safeUrl(jwksUri)}`;
  const hint = 'check the jwks_uri (--jwks-uri, or the issuer\'s discovery document)';
  const check = 'processJwksResponse';
  if (res.status < 200 || res.status >= 300) {
    throw new ProtocolError('response_status_unexpected', `${where} answered HTTP ${res.status}`, { check, expected: '2xx', actual: res.status }, { status: res.status, hint });
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text.replace(/^\uFEFF/, ''));
  } catch {
    const type = res.headers.get('content-type') ?? 'no content type';
    throw new ProtocolError('response_not_json', `${where} did not answer JSON (${type.split(';')[0]})`, { check, expected: 'application/json', actual: type }, { status: res.status, hint });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProtocolError('response_not_object', `${where} did not answer a JSON object`, { check, expected: 'a JSON object' }, { status: res.status, hint });
  }
  const keys = (body as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k))) {
    throw new ProtocolError('jwks_invalid', `${where} is not a JSON Web Key Set (no "keys" array of objects)`, { check, attribute: 'keys' }, {
      status: res.status,
      hint,
    });
  }
  return body as JSONWebKeySet;
}

function isNoMatchingKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY';
}


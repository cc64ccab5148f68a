import type { TokenResponse } from '../oauth/token-response.js';
import type { TokenSet } from '../store/types.js';
import type { DpopSigner } from '../oauth/dpop.js';

export interface TokenSetOrigin {
  issuer?: string;
  token_endpoint: string;
  client_id: string;
  client_auth: string;
  grant: string;
  private_key?: string;
  tls_client_cert?: string;
  tls_client_key?: string;
}

/**
 * The client certificate's paths, kept with a token set so a refresh without a profile presents
 * the same certificate (RFC 8705 §3: a certificate-bound refresh needs it).
 */
export function certificatePaths(settings: { tls_client_cert?: string; tls_client_key?: string }): Pick<TokenSetOrigin, 'tls_client_cert' | 'tls_client_key'> {
  return {
    ...(settings.tls_client_cert ? { tls_client_cert: settings.tls_client_cert } : {}),
    ...(settings.tls_client_key ? { tls_client_key: settings.tls_client_key } : {}),
  };
}

/** A token response as stored: `expires_in` becomes an absolute `expires_at` (epoch seconds). */
export function toTokenSet(res: TokenResponse, origin: TokenSetOrigin, nowMs: number): TokenSet {
  const now = Math.floor(nowMs / 1000);
  const set: TokenSet = {
    access_token: res.access_token,
    token_type: res.token_type,
    expires_at: res.expires_in === null ? null : now + res.expires_in,
    obtained_at: now,
    ...origin,
  };
  if (res.refresh_token) set.refresh_token = res.refresh_token;
  if (res.id_token) set.id_token = res.id_token;
  if (res.scope !== undefined) set.scope = res.scope;
  if (res.authorization_details !== undefined) set.authorization_details = res.authorization_details;
  return set;
}

/** Seconds left, or null for an unknown expiry. */
export function secondsLeft(set: TokenSet, nowMs: number): number | null {
  if (set.expires_at === undefined || set.expires_at === null) return null;
  return set.expires_at - Math.floor(nowMs / 1000);
}

/**
 * SPEC `token`: renew when expired or closer to expiry than the margin — `--min-ttl` when
 * given, else 60 s or half the token's lifetime, whichever is less. An unknown expiry is used
 * until an API answers 401.
 */
export function needsRenewal(set: TokenSet, nowMs: number, minTtl?: number): boolean {
  if (set.rejected === true) return true;
  const left = secondsLeft(set, nowMs);
  if (left === null) return false;
  const lifetime = (set.expires_at ?? 0) - set.obtained_at;
  const margin = minTtl ?? Math.min(60, Math.max(0, lifetime) / 2);
  return left <= margin;
}

/** SPEC "Output": the token set as `login -o json` / `token refresh -o json` print it. */
export function tokenSetJson(set: TokenSet, nowMs: number): Record<string, unknown> {
  const left = secondsLeft(set, nowMs);
  const out: Record<string, unknown> = {
    access_token: set.access_token,
    token_type: set.token_type,
    expires_in: left,
    expires_at: left === null ? null : new Date((set.expires_at as number) * 1000).toISOString(),
    scope: set.scope ?? null,
  };
  if (set.refresh_token) out.refresh_token = set.refresh_token;
  if (set.id_token) out.id_token = set.id_token;
  if (set.issued_token_type) out.issued_token_type = set.issued_token_type;
  if (set.authorization_details) out.authorization_details = set.authorization_details;
  return out;
}

/**
 * RFC 6750 §1: the scheme is `Bearer` whatever case the server wrote `token_type` in; any other
 * type (`DPoP`, RFC 9449 §7.1) is its own scheme.
 */
export function authorizationScheme(tokenType: string | undefined): string {
  return !tokenType || tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokenType;
}

/**
 * RFC 9449: a token set obtained with DPoP proofs keeps the key (and its thumbprint) beside it,
 * so every refresh and every `call` proves possession of the same key. A Bearer answer to a DPoP
 * request is not bound: the key is not kept then.
 */
export function withDpopKey(set: TokenSet, dpop: DpopSigner | undefined): TokenSet {
  if (!dpop || set.token_type.toLowerCase() !== 'dpop') return set;
  return { ...set, dpop_key: { alg: dpop.stored.alg, jwk: { ...dpop.stored.jwk } }, dpop_jkt: dpop.jkt };
}

/**
 * DPoP (RFC 9449): a key pair per token set, and a fresh proof JWT for every request that uses
 * it — the token requests (grant and refresh) and every API call with a DPoP-bound token.
 * Built with jose only. The private key never leaves the token store (it is kept with the token
 * set, never in config.json) and is never printed.
 *
 * @see RFC 9449 §4 (proof), §5 (token request), §7 (resource access), §8/§9 (nonces), §10 (dpop_jkt)
 */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { UsageError } from '../errors.js';

import { DEFAULT_DPOP_ALG, isDpopAlg, type DpopAlg } from './dpop-algs.js';

export { DEFAULT_DPOP_ALG, DPOP_ALGS, isDpopAlg, type DpopAlg } from './dpop-algs.js';

/** What the token store keeps beside a DPoP-bound token set: the algorithm and the private JWK. */
export interface StoredDpopKey {
  alg: DpopAlg;
  /** The private key as a JWK (holds `d`: a secret). */
  jwk: JWK;
}

type SigningKey = CryptoKey | Uint8Array;

/** The members of a JWK that are private (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export interface ProofClaims {
  /** The request's method (`htm`). */
  method: string;
  /** The request's URL; its query and fragment are left out of `htu` (RFC 9449 §4.2). */
  url: string;
  /** An access token the request carries: its hash goes in `ath` (§7.1). */
  accessToken?: string;
  /** A server-provided nonce (§8, §9). Default: the one remembered for the URL's origin. */
  nonce?: string;
  /** Epoch milliseconds. */
  now: number;
}

/**
 * One DPoP key with the nonces servers gave for it (per origin, RFC 9449 §8.2: a nonce is the
 * server's, not the key's). `proof` builds a `dpop+jwt` with the public JWK in its header.
 */
export class DpopSigner {
  private readonly nonces = new Map<string, string>();

  private constructor(
    readonly stored: StoredDpopKey,
    private readonly privateKey: SigningKey,
    readonly publicJwk: JWK,
    /** The key's RFC 7638 thumbprint: `dpop_jkt`, and the token's `cnf.jkt`. */
    readonly jkt: string,
  ) {}

  /** A new key pair (`login --dpop`). */
  static async generate(alg: DpopAlg = DEFAULT_DPOP_ALG): Promise<DpopSigner> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    return DpopSigner.fromStored({ alg, jwk: await exportJWK(privateKey) });
  }

  /**
   * The key kept with a token set. `jkt`: its thumbprint as stored beside it (`dpop_jkt`), for a
   * signer that only signs proofs (`call`, `token proof`): the RFC 7638 hash is then not computed
   * again. Without it (a login, a refresh that stores the set again) it is computed from the key.
   * @throws UsageError `invalid_key` when the stored key cannot be used (a damaged store).
   */
  static async fromStored(stored: { alg: string; jwk: Record<string, unknown> }, jkt?: string): Promise<DpopSigner> {
    if (!isDpopAlg(stored.alg) || typeof stored.jwk !== 'object' || stored.jwk === null || typeof stored.jwk.d !== 'string') {
      throw new UsageError('the stored DPoP key is damaged', { code: 'invalid_key', hint: 'log in again' });
    }
    let privateKey: SigningKey;
    try {
      privateKey = await importJWK(stored.jwk as JWK, stored.alg);
    } catch {
      throw new UsageError('the stored DPoP key is damaged', { code: 'invalid_key', hint: 'log in again' });
    }
    const publicJwk: JWK = Object.fromEntries(Object.entries(stored.jwk).filter(([k]) => !PRIVATE_MEMBERS.includes(k) && k !== 'key_ops' && k !== 'ext'));
    return new DpopSigner({ alg: stored.alg, jwk: stored.jwk as JWK }, privateKey, publicJwk, jkt ?? (await calculateJwkThumbprint(publicJwk, 'sha256')));
  }

  /** RFC 9449 §4.2: one proof for one request. A fresh `jti` every time. */
  async proof(claims: ProofClaims): Promise<string> {
    const nonce = claims.nonce ?? this.nonceFor(claims.url);
    return new SignJWT({
      htm: claims.method.toUpperCase(),
      htu: htuOf(claims.url),
      jti: randomUUID(),
      ...(claims.accessToken !== undefined ? { ath: accessTokenHash(claims.accessToken) } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: this.stored.alg, typ: 'dpop+jwt', jwk: this.publicJwk })
      .setIssuedAt(Math.floor(claims.now / 1000))
      .sign(this.privateKey);
  }

  /** The nonce last given by the server at `url`'s origin. */
  nonceFor(url: string): string | undefined {
    return this.nonces.get(originOf(url));
  }

  /** Remembers a `DPoP-Nonce` a server sent (on any answer, RFC 9449 §8.2). True when it is new. */
  rememberNonce(url: string, headers: Headers): boolean {
    const nonce = headers.get('dpop-nonce');
    if (!nonce || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(nonce)) return false; // §8.1: NQCHAR
    const origin = originOf(url);
    if (this.nonces.get(origin) === nonce) return false;
    this.nonces.set(origin, nonce);
    return true;
  }
}

/** RFC 9449 §4.2 `htu`: the URL without query and fragment. */
export function htuOf(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
}

/** RFC 9449 §4.2 `ath`: base64url(SHA-256(access token)). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * The one key loader: key files as developers have them (PEM or JWK / JWKS), for signing and for
 * verifying.
 *
 * - `loadPrivateKey`: the client's private key for `private_key_jwt` (RFC 7523 §2.2, OIDC Core
 *   §9): a PKCS#8 PEM, a PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) PEM, a private
 *   JWK, or a JWKS holding exactly one private key. The signing algorithm comes from the JWK's
 *   `alg`, else from the key type (RSA → RS256, RSA-PSS → PS256, P-256/384/521 → ES256/384/512,
 *   Ed25519 → EdDSA).
 * - `loadVerificationKey`: `verify --key`: a PEM public key, certificate or private key, a JWK, a
 *   JWK Set (RFC 7517 §5), or an `oct` JWK (a shared secret).
 *
 * Both read the text the same way (`readKeyText`): a BOM and surrounding blank lines ignored, JSON
 * when it starts with `{`, else PEM. `readKeyFile` is the one place that reads a key file.
 */
import { createPrivateKey, createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { VerificationKey } from '../jwt/verify.js';

/** A private key ready for jose's `SignJWT.sign`. */
export interface LoadedKey {
  key: webcrypto.CryptoKey | KeyObject;
  /** JWS algorithm (RFC 7518 §3.1 / RFC 8037). */
  alg: string;
  /** Key id, when the JWK carried one (sent as the JWS `kid` header). */
  kid?: string;
}

const ASYMMETRIC_ALGS = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
]);

const CURVE_ALGS: Record<string, string> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

const KEY_HINT = '--private-key takes a PEM private key (PKCS#8, PKCS#1 or SEC1) or a private JWK / JWKS file';

/**
 * Parses `text` (the contents of `source`, a file path or `-`) into a signing key.
 *
 * @throws UsageError (`invalid_key`) naming `source`, in one line, for anything that is not a
 *   usable private key: garbage, a public key or certificate, an encrypted PEM, a symmetric
 *   JWK, a JWKS with zero or several private keys, an RSA key under 2048 bits.
 */
export async function loadPrivateKey(text: string, source: string): Promise<LoadedKey> {
  const read = readKeyText(text, (why) => keyError(source, why));
  if (read.kind === 'jwk') return loadPrivateJwk(read.json, source);
  if (read.kind === 'pem') return loadPem(read.pem, source);
  throw keyError(source, 'is neither a PEM private key nor a JWK');
}

/**
 * `verify --key`: the key to verify with. A JWK Set becomes a local key resolver (the token's
 * `kid`/`alg` pick the key), an `oct` JWK a shared secret, anything else a public key (from a
 * private one when that is what the file holds).
 *
 * @throws UsageError (`invalid_key`) naming `source`.
 */
export async function loadVerificationKey(text: string, source: string): Promise<VerificationKey> {
  const bad = (why: string) => new UsageError(`key file ${source}: ${why}`, { code: 'invalid_key' });
  const read = readKeyText(text, () => bad('not valid JSON'));
  if (read.kind === 'jwk') {
    const json = read.json;
    if (Array.isArray(json.keys)) {
      const { createLocalJWKSet } = await import('jose');
      try {
        return { kind: 'public', key: createLocalJWKSet(json as unknown as Parameters<typeof createLocalJWKSet>[0]), source };
      } catch {
        throw bad('not a JWK Set');
      }
    }
    if (json.kty === 'oct') {
      if (typeof json.k !== 'string') throw bad('an "oct" JWK without "k"');
      return { kind: 'secret', secret: Buffer.from(json.k, 'base64url') };
    }
    try {
      return { kind: 'public', key: createPublicKey({ key: json as never, format: 'jwk' }), source };
    } catch (err) {
      throw bad(`not a usable JWK (${errorText(err)})`);
    }
  }
  try {
    return { kind: 'public', key: createPublicKey(read.kind === 'pem' ? read.pem : read.text), source };
  } catch {
    throw bad('not a PEM public key, certificate or private key, nor a JWK');
  }
}

/** Reads a key file; `what` names it in the error ("private key", "key file"). */
export async function readKeyFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

type KeyText = { kind: 'jwk'; json: Record<string, unknown> } | { kind: 'pem'; pem: string } | { kind: 'other'; text: string };

/** A key file's text: a JSON object (JWK or JWK Set), a PEM, or something else. */
function readKeyText(text: string, notJson: (why: string) => UsageError): KeyText {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (cause) {
      throw notJson(`is not valid JSON (${cause instanceof Error ? cause.message : 'parse error'})`);
    }
    if (!isObject(parsed)) throw notJson('is not a JWK object');
    return { kind: 'jwk', json: parsed };
  }
  if (trimmed.includes('-----BEGIN')) return { kind: 'pem', pem: trimmed };
  return { kind: 'other', text: trimmed };
}

async function loadPrivateJwk(parsed: Record<string, unknown>, source: string): Promise<LoadedKey> {
  let jwk: Record<string, unknown> = parsed;
  if (Array.isArray(parsed.keys)) {
    const privateKeys = parsed.keys.filter((k): k is Record<string, unknown> => isObject(k) && 'd' in k);
    if (privateKeys.length === 0) throw keyError(source, 'is a JWKS with no private key (no "d" member)');
    if (privateKeys.length > 1) {
      throw keyError(source, `is a JWKS with ${privateKeys.length} private keys; keep only the one to sign with`);
    }
    jwk = privateKeys[0]!;
  }
  return importPrivateJwk(jwk, source);
}

async function importPrivateJwk(jwk: Record<string, unknown>, source: string): Promise<LoadedKey> {
  const kty = jwk.kty;
  if (typeof kty !== 'string') throw keyError(source, 'is a JWK without "kty"');
  if (kty === 'oct') throw keyError(source, 'is a symmetric JWK; use --client-auth client_secret_jwt with the secret instead');
  if (typeof jwk.d !== 'string') throw keyError(source, 'is a public JWK (no "d" member); the private key is needed');

  const alg = typeof jwk.alg === 'string' ? jwk.alg : inferJwkAlg(jwk, source);
  if (!ASYMMETRIC_ALGS.has(alg)) throw keyError(source, `has alg ${JSON.stringify(alg)}, which oauthctl cannot sign client assertions with`);

  const { importJWK } = await import('jose');
  let key: unknown;
  try {
    // `use`/`key_ops` would only restrict what jose lets us do; the key is ours to sign with.
    const { use: _use, key_ops: _ops, ...material } = jwk;
    key = await importJWK({ ...material, alg }, alg);
  } catch (cause) {
    throw keyError(source, `is a JWK that cannot be imported for ${alg} (${errorText(cause)})`, cause);
  }
  if (key instanceof Uint8Array) throw keyError(source, 'is a symmetric JWK');
  assertRsaSize(key as webcrypto.CryptoKey, alg, source);
  const loaded: LoadedKey = { key: key as webcrypto.CryptoKey, alg };
  if (typeof jwk.kid === 'string' && jwk.kid !== '') loaded.kid = jwk.kid;
  return loaded;
}

function inferJwkAlg(jwk: Record<string, unknown>, source: string): string {
  switch (jwk.kty) {
    case 'RSA':
      return 'RS256';
    case 'EC': {
      const alg = typeof jwk.crv === 'string' ? CURVE_ALGS[jwk.crv] : undefined;
      if (alg === undefined) throw keyError(source, `is an EC JWK on an unsupported curve ${JSON.stringify(jwk.crv)} (use P-256, P-384 or P-521)`);
      return alg;
    }
    case 'OKP':
      if (jwk.crv === 'Ed25519') return 'EdDSA';
      throw keyError(source, `is an OKP JWK on an unsupported curve ${JSON.stringify(jwk.crv)} (use Ed25519)`);
    default:
      throw keyError(source, `is a JWK of unsupported type ${JSON.stringify(jwk.kty)}`);
  }
}

async function loadPem(pem: string, source: string): Promise<LoadedKey> {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1] ?? '';
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    throw keyError(source, 'is an encrypted PEM; decrypt it first (openssl pkey -in KEY -out PLAIN)');
  }
  if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY' || label === 'CERTIFICATE') {
    throw keyError(source, `is a ${label.toLowerCase()}; the private key is needed`);
  }
  if (label !== 'PRIVATE KEY' && label !== 'RSA PRIVATE KEY' && label !== 'EC PRIVATE KEY') {
    throw keyError(source, `has a PEM block "${label || '?'}", not a private key`);
  }

  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw keyError(source, `is a malformed ${label} PEM (${errorText(cause)})`, cause);
  }
  const alg = inferKeyObjectAlg(keyObject, source);
  if (keyObject.asymmetricKeyType === 'rsa' || keyObject.asymmetricKeyType === 'rsa-pss') {
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw keyError(source, `is a ${bits}-bit RSA key; ${alg} needs 2048 bits or more`);
  }

  if (label === 'PRIVATE KEY') {
    // PKCS#8: jose imports it as a CryptoKey bound to the algorithm.
    const { importPKCS8 } = await import('jose');
    try {
      return { key: (await importPKCS8(pem, alg)) as webcrypto.CryptoKey, alg };
    } catch {
      // Some PKCS#8 keys (e.g. RSA-PSS with parameters) WebCrypto refuses: node:crypto signs them.
      return { key: keyObject, alg };
    }
  }
  // PKCS#1 / SEC1: WebCrypto cannot import these; jose signs with the KeyObject directly.
  return { key: keyObject, alg };
}

function inferKeyObjectAlg(key: KeyObject, source: string): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const alg = curve === undefined ? undefined : CURVE_ALGS[curve];
      if (alg === undefined) throw keyError(source, `is an EC key on an unsupported curve ${curve ?? '?'} (use P-256, P-384 or P-521)`);
      return alg;
    }
    case 'ed25519':
      return 'EdDSA';
    default:
      throw keyError(source, `is a ${key.asymmetricKeyType ?? 'unknown'} key, which oauthctl cannot sign client assertions with`);
  }
}

function assertRsaSize(key: webcrypto.CryptoKey, alg: string, source: string): void {
  const bits = (key.algorithm as { modulusLength?: unknown }).modulusLength;
  if (typeof bits === 'number' && bits < 2048) {
    throw keyError(source, `is a ${bits}-bit RSA key; ${alg} needs 2048 bits or more`);
  }
}

function keyError(source: string, what: string, cause?: unknown): UsageError {
  return new UsageError(`private key ${source} ${what}`, {
    code: 'invalid_key',
    hint: KEY_HINT,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The first line of an error message, capped: never key material (node/jose messages hold none). */
function errorText(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

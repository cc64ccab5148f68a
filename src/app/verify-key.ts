import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { remoteJwks } from '../jwt/jwks.js';
import type { VerificationKey } from '../jwt/verify.js';
import type { AppContext } from './context.js';
import { resolveEndpoints } from './endpoints.js';

export interface KeyChoice {
  /** `--key`: a PEM (public key, certificate or private key) or JWK / JWKS file. */
  keyFile?: string;
  /** `--secret-stdin`: an HMAC secret. */
  secret?: string;
  /** `--jwks-uri`, else the profile's, else the issuer's discovery. */
  settings: Profile;
}

/**
 * The verification key, in order: `--key`, `--secret-stdin`, `--jwks-uri` / the profile's
 * `jwks_uri`, the issuer's discovery. Keys from discovery also fix the expected issuer.
 */
export async function verificationKey(choice: KeyChoice, ctx: AppContext): Promise<{ key: VerificationKey; issuer?: string }> {
  if (choice.keyFile) return { key: await keyFromFile(choice.keyFile) };
  if (choice.secret !== undefined) return { key: { kind: 'secret', secret: new TextEncoder().encode(choice.secret) } };
  const endpoints = await resolveEndpoints(choice.settings, ['jwks_uri'], ctx, { required: false });
  if (!endpoints.jwks_uri) {
    throw new UsageError('no key to verify with', { code: 'missing_verification_key' });
  }
  const fromDiscovery = !choice.settings.jwks_uri;
  return {
    key: { kind: 'jwks', jwks: remoteJwks(ctx.http, endpoints.jwks_uri) },
    ...(fromDiscovery && endpoints.issuer ? { issuer: endpoints.issuer } : {}),
  };
}

async function keyFromFile(path: string): Promise<VerificationKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const bad = (why: string) => new UsageError(`key file ${path}: ${why}`, { code: 'invalid_key' });
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      throw bad('not valid JSON');
    }
    if (Array.isArray(json.keys)) {
      const { createLocalJWKSet } = await import('jose');
      let resolver;
      try {
        resolver = createLocalJWKSet(json as unknown as Parameters<typeof createLocalJWKSet>[0]);
      } catch {
        throw bad('not a JWK Set');
      }
      return { kind: 'public', key: resolver as never, source: path };
    }
    if (json.kty === 'oct') {
      if (typeof json.k !== 'string') throw bad('an "oct" JWK without "k"');
      return { kind: 'secret', secret: Buffer.from(json.k, 'base64url') };
    }
    try {
      return { kind: 'public', key: createPublicKey({ key: json as never, format: 'jwk' }), source: path };
    } catch (err) {
      throw bad(`not a usable JWK (${(err as Error).message})`);
    }
  }
  try {
    return { kind: 'public', key: createPublicKey(trimmed), source: path };
  } catch {
    throw bad('not a PEM public key, certificate or private key, nor a JWK');
  }
}

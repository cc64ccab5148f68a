import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { remoteJwks } from '../jwt/jwks.js';
import { loadVerificationKey, readKeyFile } from '../oauth/keys.js';
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
  if (choice.keyFile) return { key: await loadVerificationKey(await readKeyFile(choice.keyFile, 'key file'), choice.keyFile) };
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

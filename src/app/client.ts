import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { defaultClientAuthMethod, type ClientAuthMethod, type ClientCredentials } from '../oauth/client-auth.js';
import type { LoadedKey } from '../oauth/keys.js';

/** Who we are to the authorization server: client id, authentication method, secret or key. */
export async function clientCredentials(settings: Profile, clientSecret: string | undefined): Promise<ClientCredentials> {
  const clientId = settings.client_id;
  if (!clientId) {
    throw new UsageError('no client id is known', { code: 'missing_client_id', attribute: 'client_id' });
  }
  const method = (settings.client_auth ??
    defaultClientAuthMethod({ secret: clientSecret !== undefined, key: settings.private_key !== undefined })) as ClientAuthMethod;
  const creds: ClientCredentials = { clientId, method };
  // RFC 8705 §2: the certificate is the credential; without one the server can only refuse.
  if ((method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') && !settings.tls_client_cert) {
    throw new UsageError(`client authentication ${method} needs a client certificate`, { code: 'missing_client_certificate', attribute: 'tls_client_cert' });
  }
  if (clientSecret !== undefined && (method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt')) {
    creds.clientSecret = clientSecret;
  }
  if (method === 'private_key_jwt') {
    if (!settings.private_key) throw new UsageError('private_key_jwt needs a key', { code: 'missing_private_key', attribute: 'private_key' });
    creds.privateKey = await loadPrivateKeyFile(settings.private_key);
  }
  return creds;
}

/** Reads and parses a PEM or JWK private key file (client authentication, self-signed assertions). */
export async function loadPrivateKeyFile(path: string): Promise<LoadedKey> {
  // Key parsing (PEM, JWK) loads only for a client that has a key.
  const { loadPrivateKey, readKeyFile } = await import('../oauth/keys.js');
  return loadPrivateKey(await readKeyFile(path, 'private key'), path);
}

/** Whether the configured client authentication (or a request object to sign) needs a client secret. */
export function needsClientSecret(settings: Profile, grant: string): boolean {
  const method = settings.client_auth;
  if (method) return method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt';
  if (settings.private_key) return false;
  // RFC 9101 §4: a request object without a key is signed with the secret (asked for on a terminal).
  return grant === 'client_credentials' || settings.request_object === true;
}

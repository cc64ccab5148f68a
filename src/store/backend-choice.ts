/**
 * `OAUTHCTL_KEYCHAIN_BACKEND`: `keyring` (@napi-rs/keyring only), `keytar` (keytar only), or both
 * in that order (`auto`). Apart from keyring-backend.ts so that reading the variable does not put
 * the backend code into the start-up chunk.
 */
export type BackendChoice = 'auto' | 'keyring' | 'keytar';

export function parseBackendChoice(value: string | undefined): BackendChoice | undefined {
  return value === 'keyring' || value === 'keytar' || value === 'auto' ? value : undefined;
}

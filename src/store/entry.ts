import type { StoreEntry } from './types.js';

/**
 * The shape check both persistent backends apply to what they read back: a value that fails it is
 * treated as damaged (SPEC "Damaged files": tokens.json moved aside with a warning, a keychain
 * entry ignored with a warning), never handed to the rest of the program, where a number in place
 * of a string would end as an internal error. Every field a TokenSet names is checked; fields
 * this version does not know are kept as they are.
 */
export function isStoreEntry(value: unknown): value is StoreEntry {
  if (!isPlainObject(value)) return false;
  const { tokens, client_secret, registration } = value;
  if (client_secret !== undefined && typeof client_secret !== 'string') return false;
  if (registration !== undefined && !(isPlainObject(registration) && optionalString(registration.access_token) && optionalString(registration.client_uri))) return false;
  return tokens === undefined || isTokenSet(tokens);
}

const STRING_FIELDS = [
  'token_type', 'refresh_token', 'id_token', 'scope', 'issuer', 'token_endpoint', 'client_id', 'client_auth', 'private_key', 'grant', 'dpop_jkt',
] as const;

function isTokenSet(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  if (typeof value.access_token !== 'string' || value.access_token === '') return false;
  if (!STRING_FIELDS.every((field) => value[field] === undefined || typeof value[field] === 'string')) return false;
  if (value.token_type === undefined) return false;
  if (value.dpop_key !== undefined && !(isPlainObject(value.dpop_key) && typeof value.dpop_key.alg === 'string' && isPlainObject(value.dpop_key.jwk))) return false;
  // RFC 9396: shown by `token show`, so an array of objects with a string `type`.
  const details = value.authorization_details;
  if (details !== undefined && !(Array.isArray(details) && details.every((d) => isPlainObject(d) && typeof d.type === 'string'))) return false;
  const { expires_at, obtained_at } = value;
  if (expires_at !== undefined && expires_at !== null && !isEpochSeconds(expires_at)) return false;
  return isEpochSeconds(obtained_at);
}

function isEpochSeconds(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e11;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

import type { StoreEntry } from './types.js';

/**
 * The shape check both persistent backends apply to what they read back: a value that fails it is
 * treated as damaged (SPEC "Damaged files"), never handed to the rest of the program.
 */
export function isStoreEntry(value: unknown): value is StoreEntry {
  if (!isPlainObject(value)) return false;
  const { tokens, client_secret } = value;
  if (client_secret !== undefined && typeof client_secret !== 'string') return false;
  return tokens === undefined || (isPlainObject(tokens) && typeof tokens.access_token === 'string');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

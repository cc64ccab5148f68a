import { isoDate } from '../format.js';
import type { HandedToken } from './types.js';

/** `json`: `{ access_token | id_token, token_type, expires_at (ISO 8601 or null), scope }`. */
export function renderJson(t: HandedToken): string {
  const doc = {
    [t.kind]: t.token,
    token_type: t.tokenType,
    expires_at: t.expiresAt === null ? null : isoDate(t.expiresAt),
    scope: t.scope,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

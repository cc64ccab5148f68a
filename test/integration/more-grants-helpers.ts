import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';

/**
 * Makes a stored token set look expired ("minted already expired"), so the next `token` must
 * renew it: no sleeping, and the server's own token stays what it was.
 */
export function expireStored(home: string, profile = 'default'): void {
  const file = join(home, 'tokens.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, { tokens?: { expires_at?: number; obtained_at: number } }> };
  const tokens = data.profiles[profile]?.tokens;
  if (!tokens) throw new Error(`no token set stored for ${profile}`);
  const now = Math.floor(Date.now() / 1000);
  tokens.obtained_at = now - 600;
  tokens.expires_at = now - 300;
  writeFileSync(file, JSON.stringify(data), { mode: 0o600 });
}

/** The stored entry of a profile, straight from tokens.json. */
export function storedEntry(home: string, profile = 'default'): Record<string, unknown> & { tokens?: Record<string, unknown> } {
  const data = JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8')) as { profiles: Record<string, Record<string, unknown>> };
  return data.profiles[profile] ?? {};
}

export function claims(jwt: string): Record<string, unknown> {
  return decodeJwt(jwt) as Record<string, unknown>;
}

export const URN = (name: string) => `urn:ietf:params:oauth:token-type:${name}`;

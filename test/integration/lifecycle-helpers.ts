import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fixture } from '../fixtures/server.js';
import { runCli } from './cli.js';

/** alice logs in with the password grant (confidential-basic): tokens with a refresh token. */
export async function loginAlice(fixture: Fixture, home: string, extra: string[] = [], env: Record<string, string> = {}) {
  const c = fixture.clients.confidentialBasic;
  const res = await runCli(
    ['login', '--grant', 'password', '--issuer', fixture.issuer, '--client-id', c.id, '--username', 'alice', '--scope', 'openid offline_access', ...extra],
    { home, env: { OAUTHCTL_CLIENT_SECRET: c.secret, OAUTHCTL_PASSWORD: 'wonderland', ...env } },
  );
  if (res.code !== 0) throw new Error(`login failed (${res.code}): ${res.stderr}`);
  return res;
}

/** The stored tokens, through the CLI (`token show --reveal -o json`). */
export async function storedTokens(home: string, args: string[] = [], env: Record<string, string> = {}) {
  const res = await runCli(['token', 'show', '--reveal', '-o', 'json', ...args], { home, env });
  return JSON.parse(res.stdout) as { access_token: string; refresh_token?: string; expires_in: number | null };
}

/** RFC 7662 as the resource server sees it. */
export async function introspectAsServer(fixture: Fixture, token: string): Promise<Record<string, unknown>> {
  const rs = fixture.clients.resourceServer;
  const res = await fetch(`${fixture.issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(rs.id)}:${encodeURIComponent(rs.secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await res.json()) as Record<string, unknown>;
}

export function tokensFile(home: string): string {
  try {
    return readFileSync(join(home, 'tokens.json'), 'utf8');
  } catch {
    return '';
  }
}

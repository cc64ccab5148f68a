import type { HandedToken } from './types.js';

/** Characters that need no quoting in any of `eval`, `$GITHUB_ENV` and `docker --env-file`. */
const PLAIN = /^[A-Za-z0-9._~+/=:-]*$/;

/** A value for a `NAME=value` line: single-quoted (POSIX shell) when it holds anything else. */
export function envValue(value: string): string {
  return PLAIN.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The variables `--format env` prints and `exec` sets: `name` holds the token. */
export function tokenVariables(t: HandedToken, name: string): [string, string][] {
  return [
    [name, t.token],
    ['OAUTHCTL_TOKEN_TYPE', t.scheme],
    ['OAUTHCTL_TOKEN_EXPIRES_AT', t.expiresAt === null ? '' : String(t.expiresAt)],
  ];
}

/**
 * `env`: `OAUTHCTL_ACCESS_TOKEN=…` (`OAUTHCTL_ID_TOKEN` with `--id-token`), `OAUTHCTL_TOKEN_TYPE`,
 * `OAUTHCTL_TOKEN_EXPIRES_AT` (epoch seconds, empty when unknown), for `eval`, `>> "$GITHUB_ENV"`
 * and `docker --env-file`.
 */
export function renderEnv(t: HandedToken): string {
  const name = t.kind === 'id_token' ? 'OAUTHCTL_ID_TOKEN' : 'OAUTHCTL_ACCESS_TOKEN';
  return tokenVariables(t, name)
    .map(([k, v]) => `${k}=${envValue(v)}\n`)
    .join('');
}

/**
 * SPEC "Safety" → Child processes: the browser command, `open` and `exec`'s command never inherit
 * the secrets oauthctl reads from its environment.
 */

/** The environment variables that hold secrets oauthctl reads. */
export const SECRET_ENV_VARS: readonly string[] = Object.freeze(['OAUTHCTL_CLIENT_SECRET', 'OAUTHCTL_PASSWORD']);

/** A copy of `env` for a child process, without the secret variables. */
export function childEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !SECRET_ENV_VARS.includes(name)) out[name] = value;
  }
  return out;
}

/**
 * Takes the secret variables out of the process's own environment (the composition root keeps a
 * copy for the run), so that no child started by a library (`open` takes no `env`) inherits them.
 */
export function withholdSecretsFromChildren(env: NodeJS.ProcessEnv): void {
  for (const name of SECRET_ENV_VARS) delete env[name];
}

import type { TokenSourceIO } from '../app/token-sources.js';
import type { ConfigData } from '../config/config-file.js';
import { UsageError } from '../errors.js';
import { readAll } from '../io/io.js';
import type { IO } from '../io/io.js';

/**
 * The real `TokenSourceIO`: files (re-read at each use), the environment, one line of stdin (read
 * once), and the profiles saved in config.json.
 */
export function tokenSourceIO(deps: { env: Record<string, string | undefined>; io: IO; config: () => Promise<ConfigData> }): TokenSourceIO {
  let stdinLine: Promise<string> | undefined;
  return {
    env: deps.env,
    // Loaded on use: `token` with a fresh stored token must not load fs/promises (startup test).
    readFile: async (path) => (await import('node:fs/promises')).readFile(path, 'utf8'),
    readStdinLine: () =>
      (stdinLine ??= (async () => {
        if (deps.io.stdinIsTTY) {
          throw new UsageError('a token source is "-" but stdin is a terminal, not a pipe', { code: 'stdin_is_tty', hint: 'pipe the token in, e.g. `< token.txt`' });
        }
        return (await readAll(deps.io.stdin)).split(/\r?\n/, 1)[0] ?? '';
      })()),
    savedProfile: async (name) => {
      const profiles = (await deps.config()).profiles;
      return Object.hasOwn(profiles, name) ? profiles[name] : undefined;
    },
  };
}

import { join } from 'node:path';

/**
 * SPEC "Profiles and files": `$OAUTHCTL_HOME`, else `$XDG_CONFIG_HOME/oauthctl`, else
 * `~/.config/oauthctl` (`%APPDATA%\oauthctl` on Windows).
 */
export function resolveHome(env: Record<string, string | undefined>, platform: NodeJS.Platform, homedir: string): string {
  if (env.OAUTHCTL_HOME) return env.OAUTHCTL_HOME;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'oauthctl');
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'oauthctl');
  return join(homedir, '.config', 'oauthctl');
}

export const configPath = (home: string) => join(home, 'config.json');

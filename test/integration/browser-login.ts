/** `login` against the fixture with headless Chromium as the browser (PAR and JAR tests). */
import { chromiumBrowserCommand } from '../support/chromium.js';
import { runCli, type CliResult } from './cli.js';

export function browserLogin(
  t: { fixture: { issuer: string }; home: string },
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(['login', '--issuer', t.fixture.issuer, ...(args.includes('--scope') ? [] : ['--scope', 'openid offline_access']), ...args], {
    home: t.home,
    env: { BROWSER: chromiumBrowserCommand(), ...env },
    timeoutMs: 60_000,
  });
}

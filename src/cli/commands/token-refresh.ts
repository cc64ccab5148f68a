import { renewToken } from '../../app/renew-token.js';
import { tokenSetJson } from '../../app/token-set.js';
import { defineCommand, type CommandInput } from '../command.js';
import { isoDate, relative } from '../format.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

export type TokenRefreshOptions = TokenCommandOptions;

export function parseTokenRefreshOptions(input: CommandInput): TokenRefreshOptions {
  return parseTokenCommandOptions(input.opts);
}

/** `oauthctl token refresh`: a refresh_token grant now (single-flight), the result stored. */
export async function run(opts: TokenRefreshOptions, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, opts);
  const tokens = await renewToken({ ...req, force: true }, session.app);
  if (session.json) {
    session.printJson(tokenSetJson(tokens, session.app.now()));
    return;
  }
  const now = Math.floor(session.app.now() / 1000);
  const expiry =
    tokens.expires_at === null || tokens.expires_at === undefined
      ? 'expiry unknown'
      : `${relative(tokens.expires_at, now, { future: 'expires', past: 'expired' })} (${isoDate(tokens.expires_at)})`;
  session.err(`${session.theme.err.green('✓')} Refreshed profile ${req.profile}: ${expiry}\n`);
}

export const command = defineCommand(parseTokenRefreshOptions, run);

import { revokeTokens } from '../../app/lifecycle.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

export type LogoutOptions = TokenCommandOptions;

export function parseLogoutOptions(input: CommandInput): LogoutOptions {
  return parseTokenCommandOptions(input.opts);
}

/** `oauthctl logout`: revoke where the server allows it (offline: warn), then forget the tokens. */
export async function run(opts: LogoutOptions, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, opts);
  const result = await revokeTokens(req, session.app, { lenient: true });
  if (session.json) {
    session.printJson({ profile: req.profile, revoked: result.revoked, ...(result.localOnly ? { local_only: result.localOnly } : {}) });
    return;
  }
  const how = result.revoked.length > 0 ? 'revoked at the server and removed' : `removed locally (${result.localOnly})`;
  session.err(`${session.theme.err.green('✓')} Logged out of profile ${req.profile}: tokens ${how}\n`);
}

export const command = defineCommand(parseLogoutOptions, run);

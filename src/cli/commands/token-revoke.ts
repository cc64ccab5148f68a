import { revokeTokens } from '../../app/lifecycle.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

export type TokenRevokeOptions = TokenCommandOptions;

export function parseTokenRevokeOptions(input: CommandInput): TokenRevokeOptions {
  return parseTokenCommandOptions(input.opts);
}

/** `oauthctl token revoke`: RFC 7009 at the server, then the tokens leave the store. */
export async function run(opts: TokenRevokeOptions, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, opts);
  const result = await revokeTokens(req, session.app, { lenient: false });
  if (session.json) session.printJson({ profile: req.profile, revoked: result.revoked });
  else session.err(`${session.theme.err.green('✓')} Revoked ${result.revoked.join(' and ').replaceAll('_', ' ')} of profile ${req.profile}; removed from the store\n`);
}

export const command = defineCommand(parseTokenRevokeOptions, run);

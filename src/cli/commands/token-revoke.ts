import { revokeTokens } from '../../app/lifecycle.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { acquireRequestFrom } from '../settings.js';

/** `oauthctl token revoke`: RFC 7009 at the server, then the tokens leave the store. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, input.opts);
  const result = await revokeTokens(req, session.app, { lenient: false });
  if (session.json) session.printJson({ profile: req.profile, revoked: result.revoked });
  else session.err(`${session.theme.green('✓')} Revoked ${result.revoked.join(' and ').replaceAll('_', ' ')} of profile ${req.profile}; removed from the store\n`);
}

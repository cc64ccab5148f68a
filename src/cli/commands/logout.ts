import { revokeTokens } from '../../app/lifecycle.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { acquireRequestFrom } from '../settings.js';

/** `oauthctl logout`: revoke where the server allows it (offline: warn), then forget the tokens. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, input.opts);
  const result = await revokeTokens(req, session.app, { lenient: true });
  if (session.json) {
    session.printJson({ profile: req.profile, revoked: result.revoked, ...(result.localOnly ? { local_only: result.localOnly } : {}) });
    return;
  }
  const how = result.revoked.length > 0 ? 'revoked at the server and removed' : `removed locally (${result.localOnly})`;
  session.err(`${session.theme.green('✓')} Logged out of profile ${req.profile}: tokens ${how}\n`);
}

import { acquireToken } from '../../app/acquire-token.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { acquireRequestFrom } from '../settings.js';

/** `oauthctl token`: a valid access token and a newline on stdout, whatever `-o` says. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const tokens = await acquireToken(await acquireRequestFrom(session, input.opts), session.app);
  session.out(`${tokens.access_token}\n`);
}

import { fetchUserinfo } from '../../app/lifecycle.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { acquireRequestFrom } from '../settings.js';

/** `oauthctl userinfo`: the OpenID Connect UserInfo claims of the stored token. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const claims = await fetchUserinfo(await acquireRequestFrom(session, input.opts), session.app);
  if (session.json) {
    session.printJson(claims);
    return;
  }
  const width = Math.max(...Object.keys(claims).map((k) => k.length));
  for (const [name, value] of Object.entries(claims)) {
    session.out(`${session.theme.bold(name.padEnd(width))}  ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  }
}

import { fetchUserinfo } from '../../app/lifecycle.js';
import { defineCommand, type CommandInput } from '../command.js';
import { table } from '../format.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

export type UserinfoOptions = TokenCommandOptions;

export function parseUserinfoOptions(input: CommandInput): UserinfoOptions {
  return parseTokenCommandOptions(input.opts);
}

/** `oauthctl userinfo`: the OpenID Connect UserInfo claims of the stored token. */
export async function run(opts: UserinfoOptions, session: Session): Promise<void> {
  const claims = await fetchUserinfo(await acquireRequestFrom(session, opts), session.app);
  if (session.json) {
    session.printJson(claims);
    return;
  }
  session.out(table(Object.entries(claims), session.theme.out.bold));
}

export const command = defineCommand(parseUserinfoOptions, run);

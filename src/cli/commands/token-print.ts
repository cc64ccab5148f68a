import { acquireToken } from '../../app/acquire-token.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

export type TokenPrintOptions = TokenCommandOptions;

export function parseTokenPrintOptions(input: CommandInput): TokenPrintOptions {
  return parseTokenCommandOptions(input.opts);
}

/** `oauthctl token`: a valid access token and a newline on stdout, whatever `-o` says. */
export async function run(opts: TokenPrintOptions, session: Session): Promise<void> {
  const tokens = await acquireToken(await acquireRequestFrom(session, opts), session.app);
  session.out(`${tokens.access_token}\n`);
}

export const command = defineCommand(parseTokenPrintOptions, run);

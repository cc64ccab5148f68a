import { acquireTokenFor } from '../../app/acquire-token.js';
import { UsageError } from '../../errors.js';
import type { TokenTarget } from '../../store/types.js';
import { defineCommand, type CommandInput } from '../command.js';
import { parseTokenFormat, tokenRenderer, type TokenFormat } from '../formats/index.js';
import { handedAccessToken, handedIdToken } from '../formats/handed.js';
import { targetFromOptions } from '../narrow.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

export interface TokenPrintOptions extends TokenCommandOptions {
  format: TokenFormat;
  /** `--id-token`: the ID token instead of the access token. */
  idToken: boolean;
  /** `--scope`/`--audience`/`--resource`: a narrower token for exactly these values. */
  target?: TokenTarget;
}

export function parseTokenPrintOptions(input: CommandInput): TokenPrintOptions {
  const format = parseTokenFormat(input.opts.format);
  const idToken = input.opts.idToken === true;
  const target = targetFromOptions(input.opts);
  if (idToken && target) {
    throw new UsageError('--id-token cannot be combined with --scope, --audience or --resource', { hint: 'an ID token is issued for the client, not for an API' });
  }
  return { ...parseTokenCommandOptions(input.opts), format, idToken, ...(target ? { target } : {}) };
}

/**
 * `oauthctl token`: a valid access token (or `--id-token`) on stdout in the `--format` asked for
 * (raw: the token and a newline, whatever `-o` says). SPEC "Using tokens elsewhere".
 */
export async function run(opts: TokenPrintOptions, session: Session): Promise<void> {
  // What the format reads from the environment (KUBERNETES_EXEC_INFO) is checked before any token is obtained.
  const render = await tokenRenderer(opts.format, session.env);
  const req = await acquireRequestFrom(session, opts);
  // The ID token's renewal and checks (app/acquire-id-token.ts) load only with --id-token.
  const handed = opts.idToken
    ? handedIdToken(await (await import('../../app/acquire-id-token.js')).acquireIdToken(req, session.app))
    : handedAccessToken(await acquireTokenFor(req, opts.target, session.app));
  session.out(render(handed));
}

export const command = defineCommand(parseTokenPrintOptions, run);

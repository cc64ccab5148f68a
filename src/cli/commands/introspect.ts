import { introspectToken } from '../../app/lifecycle.js';
import { isoDate, relative, table, timeVerbs } from '../format.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';
import { tokenArgument } from '../token-input.js';

export interface IntrospectOptions extends TokenCommandOptions {
  /** The token to ask about, `-` for stdin; the stored access token when absent. */
  token?: string;
}

export function parseIntrospectOptions(input: CommandInput): IntrospectOptions {
  return { ...parseTokenCommandOptions(input.opts), ...(input.args[0] !== undefined ? { token: input.args[0] } : {}) };
}

/** `oauthctl introspect [TOKEN|-]`: RFC 7662; `-o json` prints the server's answer as is. */
export async function run(opts: IntrospectOptions, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, opts);
  const arg = opts.token;
  const token = arg === undefined ? undefined : await tokenArgument(session, arg, 'token');
  session.app.redactor.addSecret(token);
  const info = await introspectToken({ ...req, ...(token !== undefined ? { token } : {}) }, session.app);
  if (session.json) {
    session.printJson(info);
    return;
  }
  const t = session.theme.out;
  const now = Math.floor(session.app.now() / 1000);
  const rows: [string, unknown][] = [['active', info.active ? t.green('true') : t.red('false')]];
  for (const name of ['sub', 'client_id', 'username', 'scope', 'token_type', 'aud', 'iss'] as const) {
    const value = info[name];
    if (value !== undefined) rows.push([name, Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(' ') : value]);
  }
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    const value = info[name];
    if (typeof value === 'number') {
      rows.push([name, `${isoDate(value)} (${relative(value, now, timeVerbs(name))})`]);
    }
  }
  session.out(table(rows, t.bold));
}

export const command = defineCommand(parseIntrospectOptions, run);

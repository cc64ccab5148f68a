import { introspectToken } from '../../app/lifecycle.js';
import { isoDate, relative, timeVerbs } from '../format.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { acquireRequestFrom } from '../settings.js';
import { tokenArgument } from '../token-input.js';

/** `oauthctl introspect [TOKEN|-]`: RFC 7662; `-o json` prints the server's answer as is. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, input.opts);
  const arg = input.args[0];
  const token = arg === undefined ? undefined : await tokenArgument(session, arg, 'token');
  session.app.redactor.addSecret(token);
  const info = await introspectToken({ ...req, ...(token !== undefined ? { token } : {}) }, session.app);
  if (session.json) {
    session.printJson(info);
    return;
  }
  const t = session.theme;
  const now = Math.floor(session.app.now() / 1000);
  const rows: [string, string][] = [['active', info.active ? t.green('true') : t.red('false')]];
  for (const name of ['sub', 'client_id', 'username', 'scope', 'token_type', 'aud', 'iss'] as const) {
    const value = info[name];
    if (value !== undefined) rows.push([name, Array.isArray(value) ? value.join(' ') : String(value)]);
  }
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    const value = info[name];
    if (typeof value === 'number') {
      rows.push([name, `${isoDate(value)} (${relative(value, now, timeVerbs(name))})`]);
    }
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  session.out(rows.map(([k, v]) => `${t.bold(k.padEnd(width))}  ${v}`).join('\n') + '\n');
}

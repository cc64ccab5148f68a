import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';

export interface ProfileListOptions {
  /** `--names`: only the names, one per line (scripts, completion). */
  names: boolean;
}

export function parseProfileListOptions(input: CommandInput): ProfileListOptions {
  return { names: input.opts.names === true };
}

/** `oauthctl profile list`. */
export async function run(opts: ProfileListOptions, session: Session): Promise<void> {
  const config = await session.config();
  const names = Object.keys(config.profiles).sort();
  if (opts.names) {
    session.out(names.map((n) => `${n}\n`).join(''));
    return;
  }
  if (session.json) {
    session.printJson({ current: config.current ?? null, profiles: names.map((name) => ({ name, ...config.profiles[name] })) });
    return;
  }
  if (names.length === 0) {
    session.err('no profiles yet: `oauthctl profile add NAME --issuer URL --client-id ID`\n');
    return;
  }
  const width = Math.max(...names.map((n) => n.length));
  for (const name of names) {
    const p = config.profiles[name] ?? {};
    const mark = name === config.current ? session.theme.out.green('*') : ' ';
    session.out(`${mark} ${name.padEnd(width)}  ${p.issuer ?? p.token_endpoint ?? '-'}  ${p.client_id ?? '-'}\n`);
  }
}

export const command = defineCommand(parseProfileListOptions, run);

import { assertProfileName } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';

export interface ProfileShowOptions {
  /** The profile to show; the current one when absent. */
  name?: string;
}

export function parseProfileShowOptions(input: CommandInput): ProfileShowOptions {
  return input.args[0] !== undefined ? { name: assertProfileName(input.args[0]) } : {};
}

/** `oauthctl profile show [NAME]`: the saved fields (there are no secrets in a profile). */
export async function run(opts: ProfileShowOptions, session: Session): Promise<void> {
  const config = await session.config();
  const name = opts.name ?? (await session.profileName());
  const profile = config.profiles[name];
  if (!profile) throw new UsageError(`no profile named '${name}'`, { hint: 'see `oauthctl profile list`' });
  if (session.json) {
    session.printJson({ name, current: config.current === name, ...profile });
    return;
  }
  const rows = Object.entries(profile).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)] as const);
  const width = Math.max(4, ...rows.map(([k]) => k.length));
  session.out(`${session.theme.out.bold('name'.padEnd(width))}  ${name}${config.current === name ? ' (current)' : ''}\n`);
  for (const [k, v] of rows) session.out(`${session.theme.out.bold(k.padEnd(width))}  ${v}\n`);
}

export const command = defineCommand(parseProfileShowOptions, run);

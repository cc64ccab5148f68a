import { assertProfileName } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import { table } from '../format.js';
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
  const rows: [string, unknown][] = [['name', `${name}${config.current === name ? ' (current)' : ''}`], ...Object.entries(profile)];
  session.out(table(rows, session.theme.out.bold));
}

export const command = defineCommand(parseProfileShowOptions, run);

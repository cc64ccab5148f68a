import { updateConfig } from '../../config/config-file.js';
import { assertProfileName } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';

export interface ProfileUseOptions {
  name: string;
}

export function parseProfileUseOptions(input: CommandInput): ProfileUseOptions {
  return { name: assertProfileName(input.args[0] ?? '') };
}

/** `oauthctl profile use NAME`: the profile used when no -p / OAUTHCTL_PROFILE is given. */
export async function run(opts: ProfileUseOptions, session: Session): Promise<void> {
  const name = opts.name;
  await updateConfig(session.home, (c) => {
    if (!c.profiles[name]) throw new UsageError(`no profile named '${name}'`, { hint: 'see `oauthctl profile list`' });
    c.current = name;
  });
  if (session.json) session.printJson({ current: name });
  else session.err(`${session.theme.err.green('✓')} Now using profile ${name}\n`);
}

export const command = defineCommand(parseProfileUseOptions, run);

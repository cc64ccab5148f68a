import { updateConfig } from '../../config/config-file.js';
import { assertProfileName } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';

export interface ProfileRemoveOptions {
  name: string;
}

export function parseProfileRemoveOptions(input: CommandInput): ProfileRemoveOptions {
  return { name: assertProfileName(input.args[0] ?? '') };
}

/** `oauthctl profile remove NAME`: the profile, and its tokens and secret in the store. */
export async function run(opts: ProfileRemoveOptions, session: Session): Promise<void> {
  const name = opts.name;
  if (!(await session.config()).profiles[name]) throw new UsageError(`no profile named '${name}'`, { hint: 'see `oauthctl profile list`' });
  await updateConfig(session.home, (c) => {
    delete c.profiles[name];
    if (c.current === name) delete c.current;
  });
  await (await session.app.store()).delete(name);
  if (session.json) session.printJson({ removed: name });
  else session.err(`${session.theme.err.green('✓')} Removed profile ${name} and its stored tokens\n`);
}

export const command = defineCommand(parseProfileRemoveOptions, run);

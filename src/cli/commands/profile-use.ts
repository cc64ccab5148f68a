import { updateConfig } from '../../config/config-file.js';
import { assertProfileName } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';

/** `oauthctl profile use NAME`: the profile used when no -p / OAUTHCTL_PROFILE is given. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const name = assertProfileName(input.args[0] as string);
  await updateConfig(session.home, (c) => {
    if (!c.profiles[name]) throw new UsageError(`no profile named '${name}'`, { hint: 'see `oauthctl profile list`' });
    c.current = name;
  });
  if (session.json) session.printJson({ current: name });
  else session.err(`${session.theme.green('✓')} Now using profile ${name}\n`);
}

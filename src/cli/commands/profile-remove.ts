import { updateConfig } from '../../config/config-file.js';
import { assertProfileName } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';

/** `oauthctl profile remove NAME`: the profile, and its tokens and secret in the store. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const name = assertProfileName(input.args[0] as string);
  if (!(await session.config()).profiles[name]) throw new UsageError(`no profile named '${name}'`, { hint: 'see `oauthctl profile list`' });
  await updateConfig(session.home, (c) => {
    delete c.profiles[name];
    if (c.current === name) delete c.current;
  });
  await (await session.app.store()).delete(name);
  if (session.json) session.printJson({ removed: name });
  else session.err(`${session.theme.green('✓')} Removed profile ${name} and its stored tokens\n`);
}

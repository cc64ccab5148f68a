import { updateConfig } from '../../config/config-file.js';
import { assertProfileName } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import type { Session } from '../session.js';

export interface ProfileRemoveOptions {
  name: string;
  /** `--unregister`: delete the client registration at the server first (RFC 7592). */
  unregister: boolean;
}

export function parseProfileRemoveOptions(input: CommandInput): ProfileRemoveOptions {
  return { name: assertProfileName(input.args[0] ?? ''), unregister: input.opts.unregister === true };
}

/**
 * `oauthctl profile remove NAME`: the profile, and its tokens and secret in the store. With
 * `--unregister`, the client registration is deleted at the server first (RFC 7592 §2.3); if
 * that fails, nothing is removed.
 */
export async function run(opts: ProfileRemoveOptions, session: Session): Promise<void> {
  const name = opts.name;
  if (!(await session.config()).profiles[name]) throw new UsageError(`no profile named '${name}'`, { hint: 'see `oauthctl profile list`' });
  const store = await session.app.store();
  if (opts.unregister) {
    const { unregisterClient } = await import('../../app/register.js');
    await unregisterClient((await store.get(name))?.registration, session.app);
  }
  await updateConfig(session.home, (c) => {
    delete c.profiles[name];
    if (c.current === name) delete c.current;
  });
  await store.delete(name);
  if (session.json) session.printJson({ removed: name, ...(opts.unregister ? { unregistered: true } : {}) });
  else session.err(`${session.theme.err.green('✓')} ${opts.unregister ? 'Deleted the client registration and removed' : 'Removed'} profile ${name} and its stored tokens\n`);
}

export const command = defineCommand(parseProfileRemoveOptions, run);

import { completionScript, isShell, SHELLS } from '../completion/index.js';
import { UsageError } from '../../errors.js';
import { buildProgram, type CommandInput } from '../program.js';
import type { Session } from '../session.js';

/**
 * `oauthctl completion bash|zsh|fish`: the completion script on stdout, read off the same
 * commander tree that parses the command line. Building it only declares commands (their
 * actions import lazily), so this loads nothing heavy.
 */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const shell = input.args[0] ?? '';
  if (!isShell(shell)) {
    throw new UsageError(`unknown shell '${shell}': choose ${SHELLS.slice(0, -1).join(', ')} or ${SHELLS.at(-1)}`, {
      hint: 'oauthctl completion bash|zsh|fish',
    });
  }
  session.out(completionScript(shell, buildProgram('0.0.0', async () => {})));
}

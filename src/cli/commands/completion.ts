import { completionScript, isShell, SHELLS, type Shell } from '../completion/index.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import { buildProgram } from '../program.js';
import type { Session } from '../session.js';

export interface CompletionOptions {
  shell: Shell;
}

export function parseCompletionOptions(input: CommandInput): CompletionOptions {
  const shell = input.args[0] ?? '';
  if (!isShell(shell)) {
    throw new UsageError(`unknown shell '${shell}': choose ${SHELLS.slice(0, -1).join(', ')} or ${SHELLS.at(-1)}`, {
      hint: 'oauthctl completion bash|zsh|fish',
    });
  }
  return { shell };
}

/**
 * `oauthctl completion bash|zsh|fish`: the completion script on stdout, read off the same
 * commander tree that parses the command line. Building it only declares commands (their
 * actions import lazily), so this loads nothing heavy.
 */
export async function run(opts: CompletionOptions, session: Session): Promise<void> {
  session.out(completionScript(opts.shell, buildProgram('0.0.0', async () => {})));
}

export const command = defineCommand(parseCompletionOptions, run);

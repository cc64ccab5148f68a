import type { IO } from './io.js';
import { UsageError } from '../errors.js';
import { oneLine } from '../sanitize.js';

/**
 * Prompts, wrapped so use cases stay testable and @inquirer/prompts loads only when asked. The
 * prompt's words (which may quote a client id from config.json or a server's answer) have their
 * controls escaped, as every line for a person does (inquirer writes to the terminal itself).
 */
export interface Prompter {
  /** With `optional`, an empty answer is allowed (and returned as ''). */
  input(message: string, opts?: { default?: string; optional?: boolean; validate?: (v: string) => true | string }): Promise<string>;
  secret(message: string): Promise<string>;
  select<T extends string>(message: string, choices: readonly { value: T; name?: string; description?: string }[], def?: T): Promise<T>;
}

export function inquirerPrompter(io: IO): Prompter {
  // Built when a prompt is shown: touching stdin earlier would cost every command.
  const context = () => ({ input: io.stdin, output: io.stderr, clearPromptOnDone: false });
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    if (!io.canPrompt) throw new UsageError('cannot prompt: stdin is not a terminal');
    try {
      return await run();
    } catch (err) {
      if ((err as Error).name === 'ExitPromptError') {
        const { InterruptedError } = await import('../errors.js');
        throw new InterruptedError();
      }
      throw err;
    }
  };
  return {
    input: (message, opts) =>
      guard(async () => {
        const { input } = await import('@inquirer/prompts');
        return input({ message: oneLine(message), default: opts?.default, validate: opts?.validate, required: opts?.optional !== true }, context());
      }),
    secret: (message) =>
      guard(async () => {
        const { password } = await import('@inquirer/prompts');
        return password({ message: oneLine(message), mask: '*' }, context());
      }),
    select: (message, choices, def) =>
      guard(async () => {
        const { select } = await import('@inquirer/prompts');
        return select({ message: oneLine(message), choices: choices.map((c) => ({ ...c, name: oneLine(c.name ?? c.value) })), default: def }, context());
      }),
  };
}

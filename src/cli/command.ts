import type { Session } from './session.js';

/**
 * What either parser (the fast path or commander) hands a command: the words and raw values of
 * the command line. Commander stops here.
 */
export interface CommandInput {
  args: string[];
  /** The command's own options: `{ tokenUrl: '…', param: ['k=v'], discovery: false }`. */
  opts: Record<string, unknown>;
  /** The global options, raw (checked by parseGlobalOptions). */
  globals: Record<string, unknown>;
}

/**
 * A command in two halves, as the GitHub CLI does: `parse` turns the input into typed options
 * and checks every value (pure: no I/O, no session; a bad value is a UsageError), then `run`
 * does the work with them. Each half is tested on its own.
 */
export interface Command<O> {
  parse(input: CommandInput): O;
  /** Exit 0 unless it returns another code (`exec`: its child's; `status`: 5). */
  run(opts: O, session: Session): Promise<void | number>;
}

export function defineCommand<O>(parse: (input: CommandInput) => O, run: (opts: O, session: Session) => Promise<void | number>): Command<O> {
  return { parse, run };
}

/** What a command module exports for the table (src/cli/surface.ts). */
export interface CommandModule {
  // `never`: the runner only hands `run` what the same command's `parse` returned.
  command: { parse(input: CommandInput): unknown; run(opts: never, session: Session): Promise<void | number> };
}

import type { CommanderError } from 'commander';
import { sniffArgv } from './argv.js';
import { fastPath } from './fast-path.js';
import { parseGlobalOptions, type GlobalOptions } from './globals.js';
import type { CommandRunner } from './program.js';
import { createSession, type Runtime, type Session } from './session.js';
import { UsageError } from '../errors.js';

/**
 * Runs one command line and returns the exit code. Never exits the process itself.
 *
 * One start-up path: the command line is read with the option table (src/cli/surface.ts) by the
 * fast path, or else by commander; either way the command's `parse` turns it into typed options,
 * then a session is built and the command's `run` does the work.
 */
export async function runCli(rt: Runtime): Promise<number> {
  let session: Session | undefined;
  let globals: GlobalOptions | undefined;
  let commanderErr = '';
  let exitCode = 0;
  const io0 = rt.makeIO({ color: false });
  const runCommand: CommandRunner = async (spec, input) => {
    globals = parseGlobalOptions(input.globals);
    const { command } = await spec.load();
    const opts = command.parse(input);
    session = await createSession(globals, rt);
    exitCode = (await command.run(opts as never, session)) ?? 0;
  };
  try {
    const fast = fastPath(rt.argv);
    if (fast) {
      await runCommand(fast.command, fast.input);
      return exitCode;
    }
    const { buildProgram } = await import('./program.js');
    const program = buildProgram(rt.version, runCommand, rt.argv);
    for (const cmd of [program, ...allCommands(program)]) {
      cmd.exitOverride().configureOutput({
        writeOut: (s) => io0.print(s),
        writeErr: (s) => void (commanderErr += s),
        outputError: () => {},
      });
    }
    await program.parseAsync(rt.argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (isCommanderError(err)) {
      if (err.exitCode === 0) return 0;
      if (err.code === 'commander.help') {
        // A command group with no sub-command (`oauthctl`, `oauthctl profile`): usage on stderr.
        io0.printErr(commanderErr);
        return 2;
      }
      err = fromCommander(err);
    }
    // A command line that did not parse still honours `-o json` and `-v` where they can be read.
    const early = sniffArgv(rt.argv).globals;
    const json = session ? session.json : (globals?.output ?? early.output) === 'json';
    const verbose = session ? session.verbose : (globals?.verbose ?? early.verbose) === true;
    // The error table and its hints load only when something went wrong.
    const { renderError } = await import('./errors.js');
    const rendered = renderError(err, { json, verbose, scrub: (s) => session?.app.redactor.scrub(s) ?? s });
    (session?.io ?? io0).printErr(rendered.text);
    return rendered.exitCode;
  } finally {
    await session?.close().catch(() => {});
  }
}

function allCommands(cmd: import('commander').Command): import('commander').Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Duck-typed, so that main does not load commander before it must. */
function isCommanderError(err: unknown): err is CommanderError {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('commander.') && typeof (err as { exitCode?: unknown }).exitCode === 'number';
}

/** commander's "error: unknown option '--fo'\n(Did you mean --foo?)" → one line and a hint. */
function fromCommander(err: CommanderError): UsageError {
  const lines = err.message.split('\n').filter(Boolean);
  const message = (lines[0] ?? 'invalid usage').replace(/^error:\s*/, '');
  const suggestion = /\(Did you mean (.+)\?\)/.exec(err.message)?.[1];
  return new UsageError(message, {
    code: 'usage',
    hint: suggestion ? `did you mean ${suggestion}?` : 'see `oauthctl --help`',
  });
}

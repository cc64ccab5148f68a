import type { CommanderError } from 'commander';
import { renderError } from './errors.js';
import { fastPath } from './fast-path.js';
import type { GlobalOptions } from './globals.js';
import type { CommandRunner } from './program.js';
import { createSession, type Runtime, type Session } from './session.js';
import { UsageError } from '../errors.js';

/** Runs one command line and returns the exit code. Never exits the process itself. */
export async function runCli(rt: Runtime): Promise<number> {
  let session: Session | undefined;
  let globals: GlobalOptions = {};
  let commanderErr = '';
  const io0 = rt.makeIO({ color: false });
  const runCommand: CommandRunner = async (load, input) => {
    globals = input.globals;
    session = await createSession(globals, rt);
    const mod = await load();
    await mod.run(input, session);
  };
  try {
    const fast = fastPath(rt.argv);
    if (fast) {
      await runCommand(fast.load, fast.input);
      return 0;
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
    return 0;
  } catch (err) {
    if (isCommanderError(err)) {
      if (err.exitCode === 0) return 0;
      if (err.code === 'commander.help') {
        // A command group with no sub-command (`oauthctl`, `oauthctl profile`): usage on stderr.
        io0.stderr.write(commanderErr);
        return 2;
      }
      err = fromCommander(err);
    }
    const early = sniffGlobals(rt.argv);
    const json = session ? session.json : (globals.output ?? early.output) === 'json';
    const verbose = session ? session.verbose : (globals.verbose ?? early.verbose) === true;
    const rendered = renderError(err, { json, verbose, scrub: (s) => session?.app.redactor.scrub(s) ?? s });
    (session?.io ?? io0).stderr.write(rendered.text);
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

/** `-o json` / `-v` before commander has parsed, so even a parse error honours them. */
function sniffGlobals(argv: string[]): { output?: string; verbose?: boolean } {
  const out: { output?: string; verbose?: boolean } = {};
  argv.forEach((arg, i) => {
    if ((arg === '-o' || arg === '--output') && argv[i + 1]) out.output = argv[i + 1];
    else if (arg.startsWith('--output=')) out.output = arg.slice(9);
    else if (arg === '-ojson') out.output = 'json';
    else if (arg === '-v' || arg === '--verbose') out.verbose = true;
  });
  return out;
}


import { homedir } from 'node:os';
import type { CommanderError } from 'commander';
import { renderError } from './cli/errors.js';
import type { GlobalOptions } from './cli/globals.js';
import { createSession, type Runtime, type Session } from './cli/session.js';
import { InterruptedError, UsageError } from './errors.js';
import { processIO } from './io/io.js';

declare const OAUTHCTL_VERSION: string | undefined;
const VERSION = typeof OAUTHCTL_VERSION === 'string' ? OAUTHCTL_VERSION : '0.0.0-dev';

/** Runs one command line and returns the exit code. Never exits the process itself. */
export async function runCli(rt: Runtime): Promise<number> {
  let session: Session | undefined;
  let globals: GlobalOptions = {};
  let commanderErr = '';
  const io0 = rt.makeIO({ color: false });
  if (rt.argv.length === 1 && (rt.argv[0] === '--version' || rt.argv[0] === '-V')) {
    io0.stdout.write(`${rt.version}\n`); // the one answer that needs no parser
    return 0;
  }
  const { buildProgram } = await import('./cli/program.js');
  const program = buildProgram(rt.version, async (load, input) => {
    globals = input.globals;
    session = await createSession(globals, rt);
    const mod = await load();
    await mod.run(input, session);
  }, rt.argv);
  for (const cmd of [program, ...allCommands(program)]) {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => void io0.stdout.write(s),
      writeErr: (s) => void (commanderErr += s),
      outputError: () => {},
    });
  }
  try {
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

/** The composition root: the real process, and the only process.exit. */
export async function main(): Promise<void> {
  // Ctrl+C aborts the signal: a login closes its listener and ends with exit 130. A command that
  // does not watch the signal is ended shortly after, and a second Ctrl+C ends it at once.
  // A reader that went away (`oauthctl … | head`) ends the program quietly, as Unix tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort(new InterruptedError());
    setTimeout(() => {
      process.stderr.write(renderError(new InterruptedError(), { json: false, verbose: false, scrub: (s) => s }).text);
      process.exit(130);
    }, 1000).unref();
  });
  const code = await runCli({
    argv: process.argv.slice(2),
    env: process.env,
    makeIO: (opts) => processIO(process, opts),
    platform: process.platform,
    homedir: homedir(),
    now: () => Date.now(),
    version: VERSION,
    signal: interrupt.signal,
  });
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

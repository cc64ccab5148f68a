import { Command, Option } from 'commander';
import { sniffArgv } from './argv.js';
import type { CommandInput } from './command.js';
import { GLOBAL_OPTIONS } from './globals.js';
import { flagShape, type OptionSpec } from './option-spec.js';
import { isGroup, PROGRAM_EXAMPLES, SURFACE, type CommandSpec, type SurfaceEntry } from './surface.js';

export type CommandRunner = (command: CommandSpec, input: CommandInput) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];
const GLOBAL_KEYS = new Set(GLOBAL_OPTIONS.map((o) => flagShape(o.flags).key));

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ oauthctl ${l}`).join('\n')}\n`;
}

/** A commander Option from the table. */
export function toCommanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.repeatable) option.argParser(collect);
  return option;
}

/** The global options; on sub-commands hidden from help (they are valid there too). */
export function addGlobalOptions(cmd: Command, hidden: boolean): Command {
  for (const spec of GLOBAL_OPTIONS) {
    const option = toCommanderOption(spec);
    cmd.addOption(hidden ? option.hideHelp() : option);
  }
  return cmd;
}

/**
 * The whole command surface (src/cli/surface.ts) as a commander program. Every command is
 * registered by name, arguments and summary (for the command list, help and "did you mean");
 * `configure` — its options, help examples and action — runs only for the command named in
 * `argv`, or for all of them without argv (`--help`, completion scripts).
 */
export function buildProgram(version: string, runCommand: CommandRunner, argv?: readonly string[]): Command {
  const invoked = argv ? sniffArgv(argv).command : undefined;
  const program = new Command('oauthctl')
    .description('OAuth 2.0 / OpenID Connect from the command line: log in, keep tokens safe, inspect them, call APIs.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .addHelpCommand(false)
    .allowExcessArguments(false);
  addGlobalOptions(program, false);
  program.addHelpText(
    'after',
    examples(PROGRAM_EXAMPLES) +
      `\nEach command has its own --help. Exit codes: 0 ok, 2 usage, 3 OAuth error, 4 network/protocol,\n` +
      `5 login required, 6 API error, 7 invalid token, 130 interrupted.\n`,
  );
  for (const entry of SURFACE) {
    const cmd = register(program, entry);
    if (invoked === undefined || invoked === entry.path[0]) configure(cmd, entry, runCommand);
  }
  return program;
}

function register(parent: Command, entry: SurfaceEntry): Command {
  const name = entry.path[entry.path.length - 1] as string;
  const isDefault = !isGroup(entry) && entry.isDefault === true;
  const cmd = parent.command(isGroup(entry) || !entry.args ? name : `${name} ${entry.args}`, isDefault ? { isDefault } : {}).description(entry.summary);
  if (!isGroup(entry)) cmd.allowExcessArguments(false);
  else for (const sub of entry.commands) register(cmd, sub);
  return cmd;
}

/** Options, help examples and the action of one command (or group and its commands). */
function configure(cmd: Command, entry: SurfaceEntry, runCommand: CommandRunner): void {
  addGlobalOptions(cmd, true);
  cmd.addHelpText('after', examples(entry.examples));
  if (isGroup(entry)) {
    entry.commands.forEach((sub, i) => configure(cmd.commands[i] as Command, sub, runCommand));
    return;
  }
  for (const spec of entry.options) cmd.addOption(toCommanderOption(spec));
  cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    await runCommand(entry, { args: self.args, opts: ownOptions(self), globals: collectGlobals(self) });
  });
}

/** The command's own option values (commander keeps the hidden global copies beside them). */
function ownOptions(cmd: Command): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cmd.opts()).filter(([key]) => !GLOBAL_KEYS.has(key)));
}

/**
 * Global options given anywhere on the command line, as set there: the nearer command wins, so
 * `oauthctl -o text token -o json` is json.
 */
function collectGlobals(leaf: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = leaf; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const cmd of chain) {
    for (const [key, value] of Object.entries(cmd.opts())) {
      if (GLOBAL_KEYS.has(key) && cmd.getOptionValueSource(key) === 'cli') merged[key] = value;
    }
  }
  return merged;
}

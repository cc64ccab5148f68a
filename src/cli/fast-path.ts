import { optionValues, scanArgv, sniffArgv } from './argv.js';
import type { CommandInput } from './command.js';
import { GLOBAL_OPTIONS } from './globals.js';
import { flagShape } from './option-spec.js';
import { isGroup, SURFACE, type CommandSpec } from './surface.js';

const GLOBAL_KEYS = new Set(GLOBAL_OPTIONS.map((o) => flagShape(o.flags).key));

/**
 * The command lines that scripts run hundreds of times a day — the commands marked `fast` in
 * src/cli/surface.ts (`oauthctl token`, `decode JWT|-`) — parsed from the same option table with
 * node:util `parseArgs`, without commander, which costs about a fifth of a second's start-up
 * budget to load and declare. Anything parseArgs or this function finds unusual (help, a typo,
 * an option of another command, an option before the command it belongs to, a missing or extra
 * argument) returns undefined and goes through commander, which stays the one authority:
 * test/unit/fast-path.test.ts checks both give the same input for every shape accepted here.
 */
export function fastPath(argv: readonly string[]): { command: CommandSpec; input: CommandInput } | undefined {
  const name = sniffArgv(argv).command;
  const entry = SURFACE.find((e) => e.path[0] === name);
  if (!entry) return undefined;
  const candidates = isGroup(entry) ? entry.commands.filter((c) => c.fast) : entry.fast ? [entry] : [];
  const siblings = isGroup(entry) ? entry.commands.map((c) => c.path[1]) : [];
  for (const command of candidates) {
    const input = parseFor(command, argv, siblings);
    if (input) return { command, input };
  }
  return undefined;
}

function parseFor(command: CommandSpec, argv: readonly string[], siblings: readonly (string | undefined)[]): CommandInput | undefined {
  if (command.passThrough) return parsePassThrough(command, argv);
  const scanned = scanArgv(argv, [...GLOBAL_OPTIONS, ...command.options], true);
  if (!scanned) return undefined;
  const words = scanned.positionals;
  // The command's words: `token print`, or `token` alone for the default sub-command (whose first
  // argument must then not be the name of another sub-command).
  let used = 1;
  if (command.path.length === 2) {
    if (words[1]?.value === command.path[1]) used = 2;
    else if (!command.isDefault || (words[1] !== undefined && siblings.includes(words[1].value))) return undefined;
  }
  const pathEnd = words[used - 1]?.index ?? -1;
  const args = words.slice(used).map((w) => w.value);
  const { min, max } = arity(command.args);
  if (args.length < min || args.length > max) return undefined;
  // A command's own option before its last word belongs to a parent, which does not know it.
  if (scanned.options.some((o) => !GLOBAL_KEYS.has(o.key) && o.index < pathEnd)) return undefined;
  return {
    args,
    opts: optionValues(scanned.options.filter((o) => !GLOBAL_KEYS.has(o.key))),
    globals: optionValues(scanned.options.filter((o) => GLOBAL_KEYS.has(o.key))),
  };
}

/** `<method> <url>` → 2..2, `[jwt]` → 0..1; a variadic argument is commander's business. */
function arity(args: string | undefined): { min: number; max: number } {
  const words = (args ?? '').split(' ').filter(Boolean);
  if (words.some((w) => w.includes('...'))) return { min: Infinity, max: -1 };
  return { min: words.filter((w) => w.startsWith('<')).length, max: words.length };
}

/**
 * `exec [options] -- CMD [ARG…]`: the options before `--`, the words after it as they are. Any
 * other shape (no `--`, a word before it, nothing after it) is commander's.
 */
function parsePassThrough(command: CommandSpec, argv: readonly string[]): CommandInput | undefined {
  const end = argv.indexOf('--');
  if (end === -1 || end === argv.length - 1) return undefined;
  const scanned = scanArgv(argv.slice(0, end), [...GLOBAL_OPTIONS, ...command.options], true);
  if (!scanned || scanned.positionals.length !== command.path.length) return undefined;
  const pathEnd = scanned.positionals[command.path.length - 1]?.index ?? -1;
  if (scanned.options.some((o) => !GLOBAL_KEYS.has(o.key) && o.index < pathEnd)) return undefined;
  return {
    args: argv.slice(end + 1),
    opts: optionValues(scanned.options.filter((o) => !GLOBAL_KEYS.has(o.key))),
    globals: optionValues(scanned.options.filter((o) => GLOBAL_KEYS.has(o.key))),
  };
}

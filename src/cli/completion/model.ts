import type { Argument, Command, Option } from 'commander';
import { argumentHint, optionHint } from './hints.js';

/** What a shell may offer for a flag's value or a positional argument. */
export type ValueKind =
  | { type: 'none' } // a switch: takes no value
  | { type: 'any' } // free text: nothing to offer
  | { type: 'choices'; values: readonly string[] }
  | { type: 'file' }
  | { type: 'profile' }; // the saved profile names, asked of `oauthctl profile list --names` at completion time

export interface FlagSpec {
  /** `--output`, `--no-color`. */
  long?: string;
  /** `-o`. */
  short?: string;
  description: string;
  value: ValueKind;
}

export interface ArgSpec {
  name: string;
  variadic: boolean;
  value: ValueKind;
}

/** One command of the tree, shell-neutral: the generators turn it into bash, zsh or fish. */
export interface CommandNode {
  /** Words after `oauthctl` that select this command: `[]` for the program, `['token', 'show']`. */
  path: readonly string[];
  name: string;
  description: string;
  /** Every flag valid here: its own, the global ones, `--help`, and a default sub-command's. */
  flags: FlagSpec[];
  args: ArgSpec[];
  commands: CommandNode[];
}

/**
 * Reads the completion tree off the commander program, so a command or flag declared in
 * program.ts completes without editing this folder. Hidden commands and hidden flags are left
 * out, except the hidden copies of an ancestor's visible flag: those are the global flags,
 * valid after the command too (src/cli/globals.ts).
 */
export function completionTree(program: Command): CommandNode {
  return walk(program, [], []);
}

/** The tree, parents before children. */
export function allNodes(node: CommandNode): CommandNode[] {
  return [node, ...node.commands.flatMap(allNodes)];
}

/** The flags of a node that take a value, with the flag spellings (`-o`, `--output`). */
export function flagNames(flag: FlagSpec): string[] {
  return [flag.short, flag.long].filter((n): n is string => n !== undefined);
}

function walk(cmd: Command, path: string[], ancestorsVisible: readonly Option[]): CommandNode {
  const help = cmd.createHelp();
  const visible = help.visibleOptions(cmd);
  const inheritedGlobals = cmd.options.filter((o) => o.hidden && ancestorsVisible.some((a) => a.flags === o.flags));
  const options = dedupe([...visible, ...inheritedGlobals]);
  const forChildren = [...ancestorsVisible, ...visible];
  const commands = help.visibleCommands(cmd).map((sub) => walk(sub, [...path, sub.name()], forChildren));

  const flags = options.map((o) => toFlag(o, path));
  const fallback = commands.find((c) => c.name === defaultCommandName(cmd));
  if (fallback) {
    // `oauthctl token --min-ttl 60` runs `token print`: its flags are valid on `token` too.
    for (const flag of fallback.flags) {
      if (!flags.some((f) => f.long === flag.long && f.short === flag.short)) flags.push(flag);
    }
  }

  return {
    path,
    name: cmd.name(),
    description: cmd.description(),
    flags,
    args: cmd.registeredArguments.map((a) => toArg(a, path)),
    commands,
  };
}

function toFlag(option: Option, path: readonly string[]): FlagSpec {
  return {
    ...(option.long ? { long: option.long } : {}),
    ...(option.short ? { short: option.short } : {}),
    description: option.description,
    value: optionValue(option, path),
  };
}

function optionValue(option: Option, path: readonly string[]): ValueKind {
  if (!option.required && !option.optional) return { type: 'none' };
  if (option.argChoices?.length) return { type: 'choices', values: option.argChoices };
  const hint = optionHint(option.attributeName(), path);
  if (hint) return hint;
  if (placeholder(option.flags) === 'file') return { type: 'file' };
  return { type: 'any' };
}

function toArg(arg: Argument, path: readonly string[]): ArgSpec {
  const value: ValueKind = arg.argChoices?.length
    ? { type: 'choices', values: arg.argChoices }
    : (argumentHint(arg.name(), path) ?? { type: 'any' });
  return { name: arg.name(), variadic: arg.variadic, value };
}

/** `--cacert <file>` → `file`. */
function placeholder(flags: string): string | undefined {
  return /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1]?.replace(/\.\.\.$/, '');
}

function dedupe(options: Option[]): Option[] {
  const seen = new Set<string>();
  return options.filter((o) => {
    const key = o.long ?? o.short ?? o.flags;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The sub-command run when none is named (`token` → `print`). commander keeps it private; this
 * is the one place that reads it.
 */
function defaultCommandName(cmd: Command): string | undefined {
  const name = (cmd as unknown as { _defaultCommandName?: unknown })._defaultCommandName;
  return typeof name === 'string' ? name : undefined;
}

/** How one flag spelling's value completes: the same everywhere, or per command path. */
export interface FlagValueRow {
  /** Spellings sharing the same answer: `['-o', '--output']`. */
  names: string[];
  /** Set when every command agrees. */
  value?: ValueKind;
  /** Set when commands disagree: the answer per command path (`'token show'`). */
  byPath?: { path: string; value: ValueKind }[];
}

/**
 * The flags that take a value, keyed by spelling, for the scripts' "what follows this flag?"
 * lookup. Switches are left out: a flag not listed takes no value.
 */
export function flagValueTable(root: CommandNode): FlagValueRow[] {
  const byName = new Map<string, { path: string; value: ValueKind }[]>();
  for (const node of allNodes(root)) {
    for (const flag of node.flags) {
      for (const name of flagNames(flag)) {
        const list = byName.get(name) ?? [];
        list.push({ path: node.path.join(' '), value: flag.value });
        byName.set(name, list);
      }
    }
  }
  const rows: FlagValueRow[] = [];
  const grouped = new Map<string, FlagValueRow>();
  for (const [name, uses] of byName) {
    if (uses.every((u) => u.value.type === 'none')) continue;
    const first = uses[0]!.value;
    if (uses.every((u) => sameValue(u.value, first))) {
      const key = JSON.stringify(first);
      const row = grouped.get(key);
      if (row) row.names.push(name);
      else {
        const fresh: FlagValueRow = { names: [name], value: first };
        grouped.set(key, fresh);
        rows.push(fresh);
      }
    } else {
      rows.push({ names: [name], byPath: uses });
    }
  }
  return rows;
}

function sameValue(a: ValueKind, b: ValueKind): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

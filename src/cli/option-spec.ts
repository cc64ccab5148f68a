/**
 * An option declared once, as data. Two readers: the start-up fast path (src/cli/argv.ts, over
 * node:util `parseArgs`) and commander (src/cli/program.ts, for everything else: help,
 * suggestions, the rarer commands). Neither this file nor the table it serves loads commander.
 */
export interface OptionSpec {
  /** commander's syntax: `-p, --profile <name>`, `--no-color`, `--param <key=value>`. */
  flags: string;
  description: string;
  /** The only values accepted (commander's `.choices()`; the fast path declines anything else). */
  choices?: readonly string[];
  /** May be given more than once; the values collect in an array, in order. */
  repeatable?: boolean;
}

/** What the flags string says. */
export interface FlagShape {
  /** `--token-url` (always present: every option has a long name). */
  long: string;
  /** `-p`. */
  short?: string;
  /** Takes a value (`<x>`); else a switch. */
  takesValue: boolean;
  /** `--no-x`: sets `x` to false. */
  negate: boolean;
  /** The key of its value in parsed options, as commander names it: `--token-url` → `tokenUrl`, `--no-color` → `color`. */
  key: string;
}

export function flagShape(flags: string): FlagShape {
  const words = flags.split(/[ ,|]+/).filter(Boolean);
  const long = words.find((w) => w.startsWith('--'));
  if (!long) throw new Error(`option '${flags}' has no long name`);
  const short = words.find((w) => /^-[^-]$/.test(w));
  return {
    long,
    ...(short ? { short } : {}),
    takesValue: /[<[]/.test(flags),
    negate: long.startsWith('--no-'),
    key: attributeName(long),
  };
}

/** `--token-url` → `tokenUrl`, `--no-discovery` → `discovery`: as commander names option values. */
export function attributeName(flag: string): string {
  const long = flag.split(/[ ,|]+/).find((part) => part.startsWith('--')) ?? flag;
  return long.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

import { parseArgs } from 'node:util';
import { GLOBAL_OPTIONS } from './globals.js';
import { flagShape, type FlagShape, type OptionSpec } from './option-spec.js';

/** One option as found on the command line: its key (`tokenUrl`), its value, and where it stood. */
export interface ScannedOption {
  key: string;
  value: string | boolean;
  index: number;
  repeatable: boolean;
}

export interface Scanned {
  positionals: { value: string; index: number }[];
  options: ScannedOption[];
}

/**
 * The one reading of argv outside commander, with node:util `parseArgs` over an option table.
 * `strict`: undefined for anything parseArgs finds odd (an unknown option, a missing or
 * ambiguous value, a value on a switch, short options run together, `--`), so that the caller
 * can leave the command line to commander. Not strict: unknown options are skipped as switches;
 * good enough to find the command's name and the globals that shape an error message.
 */
export function scanArgv(argv: readonly string[], specs: readonly OptionSpec[], strict: boolean): Scanned | undefined {
  const byName = new Map<string, { shape: FlagShape; spec: OptionSpec }>();
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const spec of specs) {
    const shape = flagShape(spec.flags);
    const name = shape.long.slice(2);
    byName.set(name, { shape, spec });
    options[name] = {
      type: shape.takesValue ? 'string' : 'boolean',
      ...(shape.short ? { short: shape.short.slice(1) } : {}),
      ...(spec.repeatable ? { multiple: true } : {}),
    };
  }
  let tokens: ReturnType<typeof parseArgs>['tokens'];
  try {
    tokens = parseArgs({ args: [...argv], options, strict, allowPositionals: true, tokens: true }).tokens;
  } catch {
    return undefined;
  }
  const scanned: Scanned = { positionals: [], options: [] };
  const seen = new Set<number>();
  for (const token of tokens ?? []) {
    if (token.kind === 'option-terminator') {
      if (strict) return undefined;
      continue;
    }
    if (token.kind === 'positional') {
      scanned.positionals.push({ value: token.value, index: token.index });
      continue;
    }
    const known = byName.get(token.name);
    if (!known) continue; // not strict: an option of some command, unknown here
    if (strict && seen.has(token.index)) return undefined; // `-vp`: commander's business
    seen.add(token.index);
    const { shape, spec } = known;
    const value = shape.takesValue ? (token.value ?? '') : !shape.negate;
    if (strict && spec.choices && !spec.choices.includes(String(value))) return undefined;
    scanned.options.push({ key: shape.key, value, index: token.index, repeatable: spec.repeatable === true });
  }
  return scanned;
}

/** Scanned options as commander gives them: `{ tokenUrl: '…', param: ['a=1'], color: false }`. */
export function optionValues(options: readonly ScannedOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of options) {
    if (o.repeatable) out[o.key] = [...((out[o.key] as string[] | undefined) ?? []), o.value];
    else out[o.key] = o.value;
  }
  return out;
}

/**
 * The global options anywhere on the command line and the first word that is not an option
 * (the command), read leniently: for choosing which command to configure, and so that an error
 * in parsing still honours `-o json` and `-v`.
 */
export function sniffArgv(argv: readonly string[]): { command?: string; globals: Record<string, unknown> } {
  const scanned = scanArgv(argv, GLOBAL_OPTIONS, false);
  if (!scanned) return { globals: {} };
  const first = scanned.positionals[0];
  const beforeTerminator = first !== undefined && !argv.slice(0, first.index).includes('--');
  return { ...(first && beforeTerminator ? { command: first.value } : {}), globals: optionValues(scanned.options) };
}

import { UsageError } from '../errors.js';
import type { OptionSpec } from './option-spec.js';

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export const TOKEN_STORES = ['auto', 'keychain', 'file', 'none'] as const;

/** Options valid on every command, before or after the command name (SPEC "Commands"). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { flags: '-p, --profile <name>', description: 'profile to use (env OAUTHCTL_PROFILE; default "default")' },
  { flags: '-o, --output <format>', description: 'output format', choices: OUTPUT_FORMATS },
  { flags: '-v, --verbose', description: 'trace HTTP on stderr (secrets redacted)' },
  { flags: '--token-store <store>', description: 'where tokens live (env OAUTHCTL_TOKEN_STORE; default auto)', choices: TOKEN_STORES },
  { flags: '--cacert <file>', description: 'extra CA certificates (PEM) to trust' },
  { flags: '--insecure', description: 'skip TLS verification and allow http:// to non-loopback hosts' },
  { flags: '--timeout <seconds>', description: 'network timeout (default 30), and how long login waits (default 300)' },
  { flags: '--no-color', description: 'no colours (also NO_COLOR)' },
];

/** The global options, typed and checked. */
export interface GlobalOptions {
  profile?: string;
  output?: (typeof OUTPUT_FORMATS)[number];
  verbose?: boolean;
  tokenStore?: (typeof TOKEN_STORES)[number];
  cacert?: string;
  insecure?: boolean;
  timeout?: number;
  /** false with `--no-color`. */
  color?: boolean;
}

/** The raw global values (as either parser gives them) → {@link GlobalOptions}; bad values are exit 2. */
export function parseGlobalOptions(raw: Readonly<Record<string, unknown>>): GlobalOptions {
  const out: GlobalOptions = {};
  if (typeof raw.profile === 'string') out.profile = raw.profile;
  if (raw.output !== undefined) out.output = oneOf(raw.output, OUTPUT_FORMATS, '--output');
  if (raw.verbose === true) out.verbose = true;
  if (raw.tokenStore !== undefined) out.tokenStore = oneOf(raw.tokenStore, TOKEN_STORES, '--token-store');
  if (typeof raw.cacert === 'string') out.cacert = raw.cacert;
  if (raw.insecure === true) out.insecure = true;
  if (raw.timeout !== undefined) out.timeout = parseSeconds(raw.timeout, '--timeout', { positive: true });
  if (raw.color === false) out.color = false;
  return out;
}

export function oneOf<T extends string>(value: unknown, choices: readonly T[], flag: string): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, not '${String(value)}'`);
}

/** A number of seconds from a flag's text: finite, not negative (or, with `positive`, above zero). */
export function parseSeconds(value: unknown, flag: string, opts: { positive?: boolean } = {}): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n) || n < 0 || (opts.positive && n === 0)) {
    throw new UsageError(`${flag} expects ${opts.positive ? 'a positive' : 'a'} number of seconds, got '${String(value)}'`);
  }
  return n;
}

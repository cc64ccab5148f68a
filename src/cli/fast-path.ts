import * as decode from './commands/decode.js';
import * as tokenPrint from './commands/token-print.js';
import type { GlobalOptions } from './globals.js';
import type { CommandInput, CommandRun } from './program.js';

/**
 * The command lines that scripts run hundreds of times a day — `oauthctl token` (`print`) and
 * `oauthctl decode JWT|-`, with a few plain flags — parsed without commander, which costs about a
 * fifth of a second's start-up budget to load and declare. Anything else, anything unusual (help,
 * a typo, a flag not listed here, `--flag=value` forms) returns undefined and goes through
 * commander, which stays the one source of truth: test/unit/fast-path.test.ts checks both give
 * the same input for every shape accepted here. The two commands are imported statically, so the
 * build puts them (and the store and config code they use) in the same file as this one.
 */
export function fastPath(argv: readonly string[]): { load: () => Promise<{ run: CommandRun }>; input: CommandInput } | undefined {
  const globals: GlobalOptions = {};
  const opts: Record<string, unknown> = {};
  const args: string[] = [];
  let command: 'token' | 'decode' | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = argv[i + 1];
    const takesValue = () => value !== undefined && !value.startsWith('-');
    if (arg === '-v' || arg === '--verbose') globals.verbose = true;
    else if (arg === '--no-color') globals.color = false;
    else if ((arg === '-o' || arg === '--output') && (value === 'json' || value === 'text')) {
      globals.output = value;
      i++;
    } else if ((arg === '-p' || arg === '--profile') && takesValue()) {
      globals.profile = value as string;
      i++;
    } else if (arg === '--token-store' && (value === 'auto' || value === 'keychain' || value === 'file' || value === 'none')) {
      globals.tokenStore = value;
      i++;
    } else if (arg === '--min-ttl' && command === 'token' && takesValue()) {
      opts.minTtl = value;
      i++;
    } else if (!command && (arg === 'token' || arg === 'decode')) {
      command = arg;
    } else if (command === 'token' && arg === 'print' && args.length === 0 && opts.print === undefined) {
      opts.print = true;
    } else if (command === 'decode' && args.length === 0 && (arg === '-' || !arg.startsWith('-'))) {
      args.push(arg);
    } else {
      return undefined;
    }
  }
  delete opts.print;
  if (command === 'token') return { load: async () => tokenPrint, input: { args, opts, globals } };
  if (command === 'decode') return { load: async () => decode, input: { args, opts, globals } };
  return undefined;
}

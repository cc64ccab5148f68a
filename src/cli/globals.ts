import { Option, type Command } from 'commander';

/** Options valid on every command, before or after the command name (SPEC "Commands"). */
export interface GlobalOptions {
  profile?: string;
  output?: 'text' | 'json';
  verbose?: boolean;
  tokenStore?: 'auto' | 'keychain' | 'file' | 'none';
  cacert?: string;
  insecure?: boolean;
  timeout?: number;
  color?: boolean;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    // commander turns this into "error: option '--timeout <seconds>' argument '…' is invalid."
    throw new (class extends Error {
      code = 'commander.invalidArgument';
    })(`expected a positive number of seconds, got '${value}'`);
  }
  return n;
}

const GLOBAL_KEYS = new Set(['profile', 'output', 'verbose', 'tokenStore', 'cacert', 'insecure', 'timeout', 'color']);

export function globalOptions(): Option[] {
  return [
    new Option('-p, --profile <name>', 'profile to use (env OAUTHCTL_PROFILE; default "default")'),
    new Option('-o, --output <format>', 'output format').choices(['text', 'json']),
    new Option('-v, --verbose', 'trace HTTP on stderr (secrets redacted)'),
    new Option('--token-store <store>', 'where tokens live (env OAUTHCTL_TOKEN_STORE; default auto)').choices([
      'auto',
      'keychain',
      'file',
      'none',
    ]),
    new Option('--cacert <file>', 'extra CA certificates (PEM) to trust'),
    new Option('--insecure', 'skip TLS verification and allow http:// to non-loopback hosts'),
    new Option('--timeout <seconds>', 'network timeout (default 30), and how long login waits (default 300)').argParser(
      parseSeconds,
    ),
    new Option('--no-color', 'no colours (also NO_COLOR)'),
  ];
}

/** Adds the global options to a command; on sub-commands they are hidden from help. */
export function addGlobalOptions(cmd: Command, hidden: boolean): Command {
  for (const option of globalOptions()) cmd.addOption(hidden ? option.hideHelp() : option);
  return cmd;
}

/**
 * Merges global options given anywhere on the command line: the values set on the command
 * line win, the nearer command last, so `oauthctl -o text token -o json` is json.
 */
export function collectGlobals(leaf: Command): GlobalOptions {
  const chain: Command[] = [];
  for (let c: Command | null = leaf; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const cmd of chain) {
    for (const [key, value] of Object.entries(cmd.opts())) {
      if (GLOBAL_KEYS.has(key) && cmd.getOptionValueSource(key) === 'cli') merged[key] = value;
    }
  }
  return merged as GlobalOptions;
}

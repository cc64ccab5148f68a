import { acquireTokenFor } from '../../app/acquire-token.js';
import { UsageError } from '../../errors.js';
import type { TokenTarget } from '../../store/types.js';
import { tokenVariables } from '../formats/env.js';
import { handedAccessToken } from '../formats/handed.js';
import { defineCommand, type CommandInput } from '../command.js';
import { targetFromOptions } from '../narrow.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';
import { childEnv, SECRET_ENV_VARS } from '../../io/child-env.js';

export const DEFAULT_TOKEN_VARIABLE = 'OAUTHCTL_ACCESS_TOKEN';
/** SPEC "Safety": secrets given to oauthctl never reach a child (the one list, io/child-env.ts). */
export const WITHHELD_VARIABLES = SECRET_ENV_VARS;
/** Shell exit codes (POSIX 2.8.2): not found, found but not runnable. */
export const EXIT_NOT_FOUND = 127;
export const EXIT_CANNOT_RUN = 126;

export interface ExecOptions extends TokenCommandOptions {
  /** The variable that holds the access token. */
  envName: string;
  command: string;
  args: string[];
  target?: TokenTarget;
}

/** Flags → options: `--env NAME`, the narrowing values, and `-- CMD [ARG…]`. */
export function parseExecOptions(input: CommandInput): ExecOptions {
  const opts = input.opts;
  const [command, ...rest] = input.args;
  if (command === undefined || command === '') {
    throw new UsageError('exec needs a command to run', { hint: 'oauthctl exec -- CMD [ARG…]' });
  }
  const envName = typeof opts.env === 'string' ? opts.env : DEFAULT_TOKEN_VARIABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) {
    throw new UsageError(`--env: '${envName}' is not an environment variable name`, { hint: 'letters, digits and _, not starting with a digit' });
  }
  const target = targetFromOptions(opts);
  return { ...parseTokenCommandOptions(opts), envName, command, args: rest, ...(target ? { target } : {}) };
}

/** The child's environment: ours without the withheld secrets, plus the token's variables. */
export function childEnvironment(env: Record<string, string | undefined>, variables: readonly [string, string][]): Record<string, string> {
  const out = childEnv(env);
  for (const [k, v] of variables) out[k] = v;
  return out;
}

/**
 * `oauthctl exec [--env NAME] -- CMD [ARG…]`: runs CMD with a valid access token in its
 * environment (never in its arguments), streams inherited, signals passed on; ends with CMD's
 * exit code (SPEC "Using tokens elsewhere").
 */
export async function run(options: ExecOptions, session: Session): Promise<number> {
  const req = await acquireRequestFrom(session, options);
  const tokens = await acquireTokenFor(req, options.target, session.app);
  const env = childEnvironment(session.env, tokenVariables(handedAccessToken(tokens), options.envName));
  const { runChild } = await import('../../io/child.js');
  const result = await runChild({ command: options.command, args: options.args, env, trapSignals: session.trapSignals });
  if ('code' in result) return result.code;
  const [message, code, exitCode] =
    'notFound' in result
      ? ([`cannot run '${options.command}': command not found`, 'command_not_found', EXIT_NOT_FOUND] as const)
      : ([`cannot run '${options.command}': ${result.cannotRun}`, 'command_not_runnable', EXIT_CANNOT_RUN] as const);
  const { renderError } = await import('../errors.js'); // only when the command could not start
  const rendered = renderError(new UsageError(message, { code }), { json: session.json, verbose: false, scrub: (s) => session.app.redactor.scrub(s) });
  session.err(rendered.text);
  return exitCode;
}

export const command = defineCommand(parseExecOptions, run);

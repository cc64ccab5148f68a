import { UsageError } from '../errors.js';
import { readAll } from '../io/io.js';
import type { Session } from './session.js';

/** A positional token argument, or stdin for `-` (or when no argument is given and stdin is piped). */
export async function tokenArgument(session: Session, arg: string | undefined, what: string): Promise<string> {
  if (arg !== undefined && arg !== '-') return arg;
  if (arg === undefined && session.io.stdinIsTTY) {
    throw new UsageError(`no ${what} given`, { hint: `pass it as an argument, or "-" to read stdin` });
  }
  return (await readAll(session.io.stdin)).trim();
}

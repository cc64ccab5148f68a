import { Chalk, type ChalkInstance } from 'chalk';

/** One chalk instance per run; level 0 when colours are off. */
export function createTheme(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

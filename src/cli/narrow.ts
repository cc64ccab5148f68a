import { tokenTarget } from '../app/token-target.js';
import type { TokenTarget } from '../store/types.js';

/**
 * `--scope`, `--audience`, `--resource` (repeatable) on `token`, `call` and `exec`: the values a
 * narrower token is obtained for, or undefined when none was given (SPEC "Using tokens elsewhere").
 */
export function targetFromOptions(opts: Record<string, unknown>): TokenTarget | undefined {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : typeof v === 'string' ? [v] : []);
  return tokenTarget({ scope: list(opts.scope), audience: list(opts.audience), resource: list(opts.resource) });
}

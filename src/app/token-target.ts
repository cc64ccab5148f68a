import type { TokenTarget } from '../store/types.js';

/**
 * The cache key of the given values: scope values split on spaces, each list sorted and without
 * repeats (RFC 6749 §3.3: scope is a set; the order of `resource`/`audience` values carries no
 * meaning). Undefined when no value was given: the profile's own token is meant.
 */
export function tokenTarget(values: { scope?: readonly string[]; audience?: readonly string[]; resource?: readonly string[] }): TokenTarget | undefined {
  const set = (list: readonly string[] | undefined, split: boolean) =>
    [...new Set((list ?? []).flatMap((v) => (split ? v.split(/\s+/) : [v.trim()])).filter(Boolean))].sort();
  const target = { scope: set(values.scope, true), audience: set(values.audience, false), resource: set(values.resource, false) };
  return target.scope.length + target.audience.length + target.resource.length > 0 ? target : undefined;
}

export function sameTarget(a: TokenTarget, b: TokenTarget): boolean {
  const eq = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.scope, b.scope) && eq(a.audience, b.audience) && eq(a.resource, b.resource);
}

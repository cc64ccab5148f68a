/** Rendering helpers for text output. */
import { duration } from '../duration.js';
import type { Theme } from '../io/theme.js';
import { toJson } from '../json.js';
import { escapeControls } from '../sanitize.js';

export { duration };

/** "expires in 4m" / "expired 2h ago", or "issued 3m ago", relative to now (epoch seconds). */
export function relative(at: number, now: number, verbs: { future: string; past: string }): string {
  const delta = at - now;
  return delta > 0 ? `${verbs.future} in ${duration(delta)}` : `${verbs.past} ${duration(delta)} ago`;
}

/** ISO 8601 without milliseconds; a value outside the Date range says so instead of throwing. */
export function isoDate(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return 'out of range';
  return date.toISOString().replace('.000Z', 'Z');
}


const TIME_VERBS: Record<string, { future: string; past: string }> = {
  exp: { future: 'expires', past: 'expired' },
  nbf: { future: 'valid', past: 'valid since' },
  iat: { future: 'issued', past: 'issued' },
  auth_time: { future: 'authenticated', past: 'authenticated' },
};

/** How `relative` words a JWT/introspection time claim ("expires in 4m", "issued 2h ago"). */
export function timeVerbs(claim: string): { future: string; past: string } {
  return TIME_VERBS[claim] ?? { future: 'at', past: 'at' };
}

/**
 * A document's fields as a person reads them: one `name  value` line per field present (names
 * padded and bold; a list of strings joined by spaces, anything else as JSON), in the order given.
 */
export function fieldTable(doc: Readonly<Record<string, unknown>>, names: readonly string[], theme: Pick<Theme, 'bold'>): string {
  const rows: [string, unknown][] = [];
  for (const name of names) {
    const value = doc[name];
    if (typeof value === 'string') rows.push([name, value]);
    else if (Array.isArray(value)) rows.push([name, value.every((v) => typeof v === 'string') ? value.join(' ') : value]);
  }
  return rows.length === 0 ? '' : table(rows, theme.bold);
}

/**
 * An untrusted value in a one-line cell: a string as it is, anything else as compact JSON; line
 * feeds and every other control escaped (`\u000a`), so a value can never forge a line.
 */
export function cell(value: unknown): string {
  return escapeControls(typeof value === 'string' ? value : toJson(value));
}

/** `key  value` rows, keys padded to one width; both sides are cells (untrusted text). */
export function table(rows: [string, unknown][], bold: (text: string) => string): string {
  const keys = rows.map(([k]) => cell(k));
  const width = Math.max(0, ...keys.map((k) => k.length));
  return rows.map(([, v], i) => `${bold((keys[i] as string).padEnd(width))}  ${cell(v)}`).join('\n') + '\n';
}

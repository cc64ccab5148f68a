import type { HandedToken } from './types.js';

/** `raw` (the default): the token and a newline, nothing else. */
export function renderRaw(t: HandedToken): string {
  return `${t.token}\n`;
}

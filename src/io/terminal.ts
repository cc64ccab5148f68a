/**
 * The boundary between oauthctl and a person (SPEC "Safety" → Terminals): every line written for a
 * person — the text output of every command, errors and hints, warnings, the device flow's code and
 * URI, `-v` traces, `call -i` headers — passes through `forPerson` on its way to stdout or stderr.
 * It escapes every control character (`src/sanitize.ts`) except the line feeds of our own lines.
 *
 * Our own colours must survive it. The theme does not write escape sequences: it writes marks
 * holding a random per-process nonce (`styleMark`), which untrusted text cannot know, so only marks
 * the theme made become SGR sequences here — or nothing, when the stream gets no colour. An
 * `ESC [ 31 m` inside a server's answer is escaped like any other control.
 *
 * The body `call` prints is the data, not a line for a person: it goes to `IO.stdout` unchanged.
 */
import { escapeControls } from '../sanitize.js';

const MARK_START = '\uE000';
const MARK_END = '\uE001';
let nonce: string | undefined;
let marks: RegExp | undefined;

/** The mark standing for the SGR sequence `ESC [ params m` (params: digits and `;`). */
export function styleMark(params: string): string {
  nonce ??= globalThis.crypto.randomUUID().replace(/-/g, '');
  return `${MARK_START}${nonce}${params}${MARK_END}`;
}

/**
 * Text for a person: controls escaped (line feeds kept), the theme's marks turned into SGR
 * sequences when `color()` (asked only when there are marks), dropped otherwise.
 */
export function forPerson(text: string, color: () => boolean): string {
  if (nonce === undefined || !text.includes(MARK_START)) return escapeControls(text, true);
  marks ??= new RegExp(`${MARK_START}${nonce}([0-9;]*)${MARK_END}`, 'g');
  const parts = text.split(marks);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i % 2 === 0) out += escapeControls(part, true);
    else if (color()) out += `\u001b[${part}m`;
  }
  return out;
}

/**
 * The one sanitiser for untrusted text on its way to a person (SPEC "Safety" → Terminals).
 *
 * Everything a server, a token or a file says may hold control characters: `ESC ] 52 ;` writes the
 * clipboard, `ESC [ 2 J` clears the screen, a carriage return overwrites the line, U+009B is an
 * 8-bit CSI. Every C0 control (U+0000–U+001F), DEL (U+007F) and every C1 control (U+0080–U+009F)
 * is shown as its JSON escape (`\u001b`): visible, and, inside a JSON text, still valid JSON.
 *
 * `src/io/terminal.ts` applies it to every line written for a person; `oneLine` is the same rule
 * for a value quoted inside one line (an error message, a table cell), line feeds included.
 */

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** `\u001b` for ESC: the JSON escape of one control character. */
function escapeOne(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Escapes C0, DEL and C1 controls visibly. Line feeds are kept when `keepLineFeeds` (the line
 * structure of text oauthctl wrote itself), escaped otherwise.
 */
export function escapeControls(text: string, keepLineFeeds = false): string {
  return text.replace(keepLineFeeds ? CONTROLS_BUT_LF : CONTROLS, escapeOne);
}

/** Whether `text` holds a character `escapeControls` would escape (line feeds counted). */
export function hasControls(text: string): boolean {
  CONTROLS.lastIndex = 0;
  return CONTROLS.test(text);
}

/**
 * An untrusted value for one line: controls escaped (line feeds too), runs of whitespace
 * collapsed, capped at `max` characters with `…`.
 */
export function oneLine(text: string, max = Infinity): string {
  const clean = escapeControls(text.replace(/[\t\n\r ]+/g, ' ').trim());
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * An untrusted value in double quotes for one line: JSON string syntax (controls, quotes and
 * backslashes escaped, C1 and DEL included), whitespace collapsed, capped at `max` characters.
 */
export function quoted(text: string, max = Infinity): string {
  const flat = text.replace(/[\t\n\r ]+/g, ' ').trim();
  const capped = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return escapeControls(JSON.stringify(capped));
}

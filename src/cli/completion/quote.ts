/** `it's` → `'it'\''s'`: a POSIX single-quoted word (bash, zsh). */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `it's` → `'it\'s'`: a fish single-quoted word. */
export function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, '\\$&')}'`;
}

/** Help text on one line, for menus. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * git's credential helper protocol (gitcredentials(7), git-credential(1) "INPUT/OUTPUT FORMAT"):
 * `key=value` lines, ended by a blank line or the end of input. Keys we do not know are ignored.
 */

/** The attributes git sent, or undefined when the input is not that format (garbage). */
export function parseCredentialAttributes(text: string): Map<string, string> | undefined {
  const attributes = new Map<string, string>();
  if (text.includes('\0')) return undefined;
  for (const line of text.split('\n')) {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean === '') break;
    const eq = clean.indexOf('=');
    if (eq <= 0) return undefined;
    const key = clean.slice(0, eq);
    if (!/^[A-Za-z0-9_.[\]-]+$/.test(key)) return undefined;
    attributes.set(key, clean.slice(eq + 1));
  }
  return attributes;
}

/** A value git can read back: one line, no NUL (a token holding one would inject attributes). */
export function isCredentialValue(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}

/** `get`'s answer: `username`, `password` and, when the expiry is known, `password_expiry_utc`. */
export function renderCredential(username: string, password: string, expiresAt: number | null): string {
  let out = `username=${username}\npassword=${password}\n`;
  if (expiresAt !== null) out += `password_expiry_utc=${expiresAt}\n`;
  return out;
}

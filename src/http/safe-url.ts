/**
 * A URL fit for an error message: no userinfo, query or fragment (they may carry secrets such as
 * `code` or `access_token`). Text that does not parse is cut to 200 characters on one line.
 */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return url.replace(/\s+/g, ' ').slice(0, 200);
  }
}

/**
 * Redaction for `-v` traces and anything else that may echo a request or response.
 * SPEC "Secrets": these parameter names and headers never appear in clear text.
 */

export const REDACTED = '[redacted]';

/** Form parameters, query parameters and JSON members whose values are secrets. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'client_secret',
  'password',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'assertion',
  'client_assertion',
  'device_code',
  'token',
  'subject_token',
  'actor_token',
  'registration_access_token',
]);

/** Headers whose values are secrets. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Remembers secret values seen in this process (client secret, password, tokens) and scrubs
 * them from any text, as a second line of defence behind the field-based rules below.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Values shorter than 4 characters are not tracked: scrubbing them would mangle text. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
  }

  header(name: string, value: string): string {
    if (!SECRET_HEADERS.has(name.toLowerCase())) return this.scrub(value);
    const scheme = /^(Basic|Bearer|DPoP|Digest)\s/i.exec(value)?.[1];
    return scheme ? `${scheme} ${REDACTED}` : REDACTED;
  }

  form(body: string): string {
    const params = new URLSearchParams(body);
    for (const key of new Set(params.keys())) {
      if (SECRET_FIELDS.has(key)) params.set(key, REDACTED);
    }
    return this.scrub(params.toString().replaceAll('%5Bredacted%5D', REDACTED));
  }

  url(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.scrub(url);
    }
    if (parsed.username || parsed.password) {
      parsed.username = parsed.username ? 'redacted' : '';
      parsed.password = parsed.password ? 'redacted' : '';
    }
    const search = parsed.search ? `?${this.form(parsed.search.slice(1))}` : '';
    const hash = parsed.hash ? `#${this.form(parsed.hash.slice(1))}` : '';
    return this.scrub(`${parsed.origin}${parsed.pathname}${search}${hash}`);
  }

  /** JSON when it parses (secret members replaced at any depth), else form or free text. */
  body(text: string, contentType: string | null): string {
    const type = (contentType ?? '').toLowerCase();
    if (type.includes('x-www-form-urlencoded')) return this.form(text);
    try {
      const parsed: unknown = JSON.parse(text);
      return this.scrub(JSON.stringify(redactJson(parsed)));
    } catch {
      return this.scrub(redactFreeText(text));
    }
  }
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) && v !== null && v !== '' ? REDACTED : redactJson(v)]),
    );
  }
  return value;
}

/** For bodies that are neither JSON nor declared forms: `key=value` and `"key":"value"` pairs. */
function redactFreeText(text: string): string {
  const names = [...SECRET_FIELDS].join('|');
  return text
    .replace(new RegExp(`("(?:${names})"\\s*:\\s*)"[^"]*"`, 'g'), `$1"${REDACTED}"`)
    .replace(new RegExp(`(^|[?&\\s])((?:${names})=)[^&\\s]*`, 'g'), `$1$2${REDACTED}`);
}

/**
 * Redaction for `-v` traces and anything else that may echo a request or response.
 * SPEC "Secrets": these parameter names and headers never appear in clear text.
 * SPEC "Safety": a secret a server echoes back is redacted in every form it may take there.
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
  'request',
  // GitHub Actions' ID-token endpoint answers `{ "value": "<JWT>" }`.
  'value',
]);

/** Headers whose values are secrets. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Below this length a secret is matched only as a whole word (not inside a longer run of
 * letters and digits), so that `abc` is scrubbed from `password=abc` but not from `abcdef`.
 */
const WHOLE_WORD_BELOW = 4;

/**
 * The forms a secret takes when a server echoes what it was sent (SPEC "Safety"): as is,
 * percent-encoded (RFC 3986, `encodeURIComponent`), form-encoded (`+` for space, WHATWG
 * application/x-www-form-urlencoded), either with lower-case hex digits, JSON-escaped (with
 * `\/` and with every non-ASCII character as `\uXXXX`, as some servers write), and Base64.
 */
export function echoedForms(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    percent,
    form,
    lowerHex(percent),
    lowerHex(form),
    json,
    json.replaceAll('/', '\\/'),
    asciiJson(json),
    Buffer.from(secret, 'utf8').toString('base64'),
  ];
  return [...new Set(forms)];
}

function lowerHex(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Remembers secret values seen in this process (client secret, password, assertions, tokens,
 * credentials in a proxy URL) and scrubs them, in each of their echoed forms, from any text: the
 * second line of defence behind the field-based rules below.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null | undefined = null;

  addSecret(value: string | undefined): void {
    if (!value) return;
    const before = this.secrets.size;
    for (const form of echoedForms(value)) this.secrets.add(form);
    if (this.secrets.size !== before) this.pattern = undefined;
  }

  /**
   * Credentials sent as `Authorization: Basic …` or `Proxy-Authorization: Basic …` (RFC 7617):
   * the Base64 value as sent, and the user id and password inside it (form-decoded, as RFC 6749
   * §2.3.1 encodes them, and as they are).
   */
  addBasicCredentials(headerValue: string): void {
    const encoded = /^Basic\s+(\S+)\s*$/i.exec(headerValue)?.[1];
    if (!encoded) return;
    this.addSecret(encoded);
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    this.addSecret(decoded);
    const colon = decoded.indexOf(':');
    if (colon === -1) return;
    const password = decoded.slice(colon + 1);
    this.addSecret(password);
    this.addSecret(formDecode(password));
  }

  scrub(text: string): string {
    const pattern = this.compiled();
    return pattern ? text.replace(pattern, REDACTED) : text;
  }

  /** One alternation, longest first (so no form is left half-replaced by a shorter one). */
  private compiled(): RegExp | undefined {
    if (this.pattern !== undefined) return this.pattern ?? undefined;
    const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
    const parts = sorted.map((s) =>
      s.length < WHOLE_WORD_BELOW ? `(?<![A-Za-z0-9])${escapeRegExp(s)}(?![A-Za-z0-9])` : escapeRegExp(s),
    );
    this.pattern = parts.length ? new RegExp(parts.join('|'), 'g') : null;
    return this.pattern ?? undefined;
  }

  header(name: string, value: string): string {
    if (name.toLowerCase() === 'dpop') return this.scrub(dpopProof(value));
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

/**
 * A DPoP proof (RFC 9449 §4) as `-v` shows it: header and claims decoded, the signature
 * redacted (SPEC "Secrets"). Anything that is not a compact JWS is redacted whole.
 */
export function dpopProof(value: string): string {
  const parts = value.trim().split('.');
  if (parts.length !== 3) return REDACTED;
  try {
    const [header, payload] = parts.slice(0, 2).map((part) => JSON.stringify(JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))));
    return `${header}.${payload}.${REDACTED} (signature)`;
  } catch {
    return REDACTED;
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

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/**
 * The one `WWW-Authenticate` parser (RFC 9110 §11.6.1): a header value holds one or more
 * challenges, each a scheme followed by either a token68 or a comma-separated list of
 * `name=value` parameters, where a value is a token or a quoted string with `\` escapes. Commas
 * separate both parameters and challenges; a comma followed by `token =` continues the current
 * challenge, a comma followed by any other token starts the next one.
 *
 * What a server says here is untrusted: the parser never throws, stops at the first thing it
 * cannot read (keeping what it read before), and stores parameters in a prototype-free object
 * (a parameter named `__proto__` is an ordinary key). Parameter names are case-insensitive and
 * kept lower-cased; the first of a repeated name wins (RFC 9110 §11.2 forbids repeats).
 *
 * @see RFC 9110 §11.6.1, RFC 6750 §3 (Bearer), RFC 9449 §7.1 (DPoP), RFC 9728 §5.1, RFC 9470 §3
 */

export interface Challenge {
  /** As the server wrote it; compare with `sameScheme`. */
  scheme: string;
  /** Lower-cased parameter names → unescaped values. */
  params: Record<string, string>;
  /** The token68 form (`Basic dXNlcg==`), when the challenge has one instead of parameters. */
  token68?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/;

export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const rest = () => header.slice(i);
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i] as string)) i++;
  };
  const token = (): string | undefined => {
    const m = TOKEN.exec(rest());
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const quoted = (): string | undefined => {
    let value = '';
    for (i++; i < header.length; i++) {
      const c = header[i] as string;
      if (c === '"') {
        i++;
        return value;
      }
      if (c === '\\') {
        i++;
        if (i >= header.length) return undefined;
        value += header[i];
      } else value += c;
    }
    return undefined;
  };

  for (;;) {
    skip(/[ \t,]/);
    if (i >= header.length) return out;
    const scheme = token();
    if (!scheme) return out;
    const challenge: Challenge = { scheme, params: Object.create(null) as Record<string, string> };
    out.push(challenge);
    const afterScheme = i;
    skip(/[ \t]/);
    if (i === afterScheme && i < header.length && header[i] !== ',') return out;
    const t68 = TOKEN68.exec(rest());
    if (t68) {
      challenge.token68 = t68[0];
      i += t68[0].length;
      continue;
    }
    for (;;) {
      skip(/[ \t,]/);
      const start = i;
      const name = token();
      if (!name) break;
      skip(/[ \t]/);
      if (header[i] !== '=') {
        i = start; // `token` without `=`: the next challenge's scheme
        break;
      }
      i++;
      skip(/[ \t]/);
      const value = header[i] === '"' ? quoted() : token();
      if (value === undefined) return out;
      const key = name.toLowerCase();
      if (!(key in challenge.params)) challenge.params[key] = value;
      skip(/[ \t]/);
      if (i < header.length && header[i] !== ',') return out;
    }
  }
}

/** Auth schemes are case-insensitive (RFC 9110 §11.1). */
export function sameScheme(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The challenge an OAuth client acts on: the first `Bearer` or `DPoP` one (RFC 6750 §3, RFC 9449
 * §7.1), preferring one that carries an `error`.
 */
export function oauthChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  const oauth = challenges.filter((c) => sameScheme(c.scheme, 'Bearer') || sameScheme(c.scheme, 'DPoP'));
  return oauth.find((c) => c.params.error !== undefined) ?? oauth[0];
}

/** RFC 9728 §5.1: the `resource_metadata` URL from any challenge of the header. */
export function resourceMetadataUrl(challenges: readonly Challenge[]): string | undefined {
  return challenges.find((c) => c.params.resource_metadata !== undefined)?.params.resource_metadata;
}

/** What an API asks for before it will answer (RFC 6750 §3.1, RFC 9470 §3). */
export type StepUpChallenge =
  | { error: 'insufficient_scope'; status: number; scope: string }
  | { error: 'insufficient_user_authentication'; status: number; acr_values?: string; max_age?: string };

/**
 * A 401 or 403 whose Bearer/DPoP challenge says `insufficient_scope` with the `scope` needed, or
 * `insufficient_user_authentication` with `acr_values` and/or `max_age`. Anything else (a
 * challenge that names nothing to ask for included) is not a step-up.
 * @see RFC 6750 §3.1, RFC 9470 §3
 */
export function readStepUpChallenge(status: number, header: string | null): StepUpChallenge | undefined {
  if ((status !== 401 && status !== 403) || !header) return undefined;
  const params = oauthChallenge(parseWwwAuthenticate(header))?.params;
  if (!params) return undefined;
  if (params.error === 'insufficient_scope' && params.scope?.trim()) return { error: 'insufficient_scope', status, scope: params.scope.trim() };
  if (params.error === 'insufficient_user_authentication') {
    const acr = params.acr_values?.trim();
    const maxAge = params.max_age?.trim();
    const validMaxAge = maxAge !== undefined && /^\d{1,9}$/.test(maxAge) ? maxAge : undefined;
    if (!acr && validMaxAge === undefined) return undefined;
    return { error: 'insufficient_user_authentication', status, ...(acr ? { acr_values: acr } : {}), ...(validMaxAge !== undefined ? { max_age: validMaxAge } : {}) };
  }
  return undefined;
}

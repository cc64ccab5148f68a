/**
 * fast-check arbitraries for fuzzing `decode` and `verify`: arbitrary text, base64url-ish strings
 * with dots (3 and 5 parts), structured JWS with odd headers and claims, and mutations of real
 * tokens (flipped characters, truncation, swapped parts, inserted dots/whitespace/unicode,
 * re-encoded headers with `alg` none/HS256/odd values, HMAC re-signing, unsigned variants).
 *
 * Mutations are data (`Mutation`), applied by `applyMutations`, so a failing case prints as
 * something a person can read and replay. Shared by test/unit/fuzz-*.test.ts and
 * test/integration/fuzz.test.ts.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';

/** One seed for every fuzz property, overridable to replay a failure: `FUZZ_SEED=… npx vitest run …`. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x0a07c71);

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Odd `alg` values: the real ones, `none` in all cases, near misses, and non-strings. */
export const weirdAlg: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    'none', 'None', 'NONE', 'nOnE', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS512',
    'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA', 'Ed25519', 'RSA-OAEP', 'dir', 'A128KW', '', ' RS256', 'RS256 ',
    'rs256', 'RS256\u0000', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.constantFrom('RS256', 'HS256', 'none'), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

/** A NumericDate, or something that pretends to be one. */
const weirdTime: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e300, -1e300, 8.64e12, 8.64e12 + 1, -8.64e12 - 1, Number.MAX_SAFE_INTEGER, 0, -0),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
);

/** Header members that change how jose reads a JWS. */
export const weirdHeader: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    alg: weirdAlg,
    typ: fc.oneof(fc.constantFrom('JWT', 'at+jwt', 'JOSE', ''), fc.string({ maxLength: 8 }), fc.integer()),
    kid: fc.oneof(fc.string({ maxLength: 16 }), fc.integer(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 })),
    crit: fc.oneof(fc.constantFrom(['b64'], ['exp'], [], ['b64', 'b64'], 'b64'), fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 })),
    b64: fc.oneof(fc.boolean(), fc.constant('false')),
    enc: fc.constantFrom('A128GCM', 'A256CBC-HS512', 'x'),
    zip: fc.constantFrom('DEF', 'x'),
    jku: fc.constantFrom('http://127.0.0.1:9/jwks', 'file:///etc/passwd', 'not a url'),
    jwk: fc.oneof(fc.constant({ kty: 'oct', k: 'AAAA' }), fc.constant({ kty: 'RSA' }), fc.constant('x')),
  },
  { requiredKeys: [] },
).map((h) => JSON.parse(JSON.stringify(h)) as Record<string, unknown>);

/** Header texts JSON.stringify cannot produce: duplicate members, `__proto__`, BOM, bad JSON. */
export const rawHeaderText: fc.Arbitrary<string> = fc.constantFrom(
  '{"alg":"RS256","__proto__":{"alg":"none"}}',
  '{"__proto__":{"alg":"RS256"}}',
  '{"alg":"RS256","alg":"none"}',
  '{"alg":"none","alg":"RS256"}',
  '{"alg":"RS256","constructor":{"prototype":{"alg":"none"}}}',
  '{}',
  '[]',
  'null',
  '"RS256"',
  '{"alg":"RS256"',
  '{"alg":"RS256"}\u0000',
  '\ufeff{"alg":"RS256"}',
  '{"alg":"\\ud800"}',
  '{"alg":"RS256","kid":"\\u0000"}',
);

/** Claims with odd registered members, or any JSON at all. */
export const weirdClaims: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      iss: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null)),
      sub: fc.oneof(fc.string({ maxLength: 20 }), fc.object({ maxDepth: 1 })),
      aud: fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 3 }), fc.constant(null)),
      exp: weirdTime,
      nbf: weirdTime,
      iat: weirdTime,
      auth_time: weirdTime,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Any text: UTF-16 units, full code points (lone surrogates included), graphemes, ASCII. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
);

const b64urlPart = fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 64 });

/** base64url-ish runs joined by dots: `parts` of them, sometimes with a stray character. */
export function dotted(parts: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.array(b64urlPart, { minLength: parts, maxLength: parts }).map((p) => p.join('.')),
    fc
      .tuple(fc.array(b64urlPart, { minLength: parts, maxLength: parts }), fc.nat(), fc.constantFrom('=', '+', '/', ' ', '\u00e9', '\u{1F600}', '\u0000'))
      .map(([p, at, ch]) => {
        const s = p.join('.');
        const i = at % (s.length + 1);
        return `${s.slice(0, i)}${ch}${s.slice(i)}`;
      }),
  );
}

/** A JWS-shaped string whose parts decode: odd header JSON, odd claims (or raw bytes), any signature. */
export const structuredJws: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      weirdHeader.map((h) => b64(JSON.stringify(h))),
      rawHeaderText.map((t) => b64(t)),
      fc.jsonValue({ maxDepth: 2 }).map((v) => b64(JSON.stringify(v) ?? 'null')),
      anyText.map((t) => b64(t)),
    ),
    fc.oneof(
      weirdClaims.map((c) => b64(JSON.stringify(c) ?? 'null')),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => b64(Buffer.from(bytes))),
      fc.constant(''),
    ),
    fc.oneof(b64urlPart, fc.constant('')),
  )
  .map((parts) => parts.join('.'));

/** A JWE-shaped string: a 5-part compact serialization with any header. */
export const structuredJwe: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(weirdHeader, fc.constant({ alg: 'dir', enc: 'A128GCM' })).map((h) => b64(JSON.stringify(h))), fc.array(b64urlPart, { minLength: 4, maxLength: 4 }))
  .map(([h, rest]) => [h, ...rest].join('.'));

/** Inputs with no relation to any real token. */
export const garbage: fc.Arbitrary<string> = fc.oneof(
  anyText,
  dotted(3),
  dotted(5),
  fc.integer({ min: 0, max: 7 }).chain((n) => dotted(n)),
  structuredJws,
  structuredJwe,
);

export type Mutation =
  | { op: 'flip'; at: number; ch: string }
  | { op: 'delete'; at: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'swapParts'; i: number; j: number }
  | { op: 'dupPart'; i: number }
  | { op: 'dropPart'; i: number }
  | { op: 'emptyPart'; i: number }
  | { op: 'header'; patch: Record<string, unknown> }
  | { op: 'rawHeader'; text: string }
  | { op: 'claims'; patch: unknown; merge: boolean }
  | { op: 'resign'; alg: 'HS256' | 'HS384' | 'HS512'; secret: 'public-key-pem' | string }
  | { op: 'unsign'; alg: string }
  | { op: 'standardBase64' }
  | { op: 'wrap'; before: string; after: string }
  | { op: 'case'; at: number };

const insertable = fc.oneof(
  fc.constantFrom('.', '..', ' ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', '\u200b', '=', '+', '/', '%2E', '\u0000', 'é', '\u{1F600}', '\ud800'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), ch: fc.oneof(fc.constantFrom(...B64URL), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: insertable }),
  fc.record({ op: fc.constant('swapParts' as const), i: fc.nat(4), j: fc.nat(4) }),
  fc.record({ op: fc.constant('dupPart' as const), i: fc.nat(4) }),
  fc.record({ op: fc.constant('dropPart' as const), i: fc.nat(4) }),
  fc.record({ op: fc.constant('emptyPart' as const), i: fc.nat(4) }),
  fc.record({ op: fc.constant('header' as const), patch: weirdHeader }),
  fc.record({ op: fc.constant('rawHeader' as const), text: rawHeaderText }),
  fc.record({ op: fc.constant('claims' as const), patch: weirdClaims, merge: fc.boolean() }),
  fc.record({ op: fc.constant('resign' as const), alg: fc.constantFrom('HS256' as const, 'HS384' as const, 'HS512' as const), secret: fc.oneof(fc.constant('public-key-pem' as const), fc.string({ maxLength: 40 })) }),
  fc.record({ op: fc.constant('unsign' as const), alg: fc.constantFrom('none', 'None', 'NONE', 'nOnE') }),
  fc.constant({ op: 'standardBase64' as const }),
  fc.record({ op: fc.constant('wrap' as const), before: fc.constantFrom('', 'Bearer ', 'bearer\t', ' ', '"', '\n'), after: fc.constantFrom('', ' ', '\n', '"', '.', '\r\n') }),
  fc.record({ op: fc.constant('case' as const), at: fc.nat() }),
);

/** What a mutation may need: the PEM of the verification key, for algorithm-confusion forgeries. */
export interface MutationContext {
  publicKeyPem?: string;
}

function decodeJson(part: string | undefined): unknown {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hmac(alg: string, secret: string, input: string): string {
  return createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url');
}

export function applyMutation(token: string, m: Mutation, ctx: MutationContext = {}): string {
  const at = (n: number, extra = 0) => n % (token.length + extra || 1);
  const parts = token.split('.');
  switch (m.op) {
    case 'flip': {
      const i = at(m.at);
      return `${token.slice(0, i)}${m.ch}${token.slice(i + 1)}`;
    }
    case 'delete': {
      const i = at(m.at);
      return token.slice(0, i) + token.slice(i + 1);
    }
    case 'truncate':
      return token.slice(0, at(m.at));
    case 'insert': {
      const i = at(m.at, 1);
      return `${token.slice(0, i)}${m.text}${token.slice(i)}`;
    }
    case 'swapParts': {
      const i = m.i % parts.length;
      const j = m.j % parts.length;
      [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
      return parts.join('.');
    }
    case 'dupPart':
      parts.splice(m.i % parts.length, 0, parts[m.i % parts.length] as string);
      return parts.join('.');
    case 'dropPart':
      parts.splice(m.i % parts.length, 1);
      return parts.join('.');
    case 'emptyPart':
      parts[m.i % parts.length] = '';
      return parts.join('.');
    case 'header': {
      const header = decodeJson(parts[0]);
      parts[0] = b64(JSON.stringify({ ...(isObject(header) ? header : {}), ...m.patch }));
      return parts.join('.');
    }
    case 'rawHeader':
      parts[0] = b64(m.text);
      return parts.join('.');
    case 'claims': {
      const claims = decodeJson(parts[1]);
      const next = m.merge && isObject(claims) && isObject(m.patch) ? { ...claims, ...m.patch } : m.patch;
      parts[1] = b64(JSON.stringify(next) ?? 'null');
      return parts.join('.');
    }
    case 'resign': {
      const header = decodeJson(parts[0]);
      const h = b64(JSON.stringify({ ...(isObject(header) ? header : {}), alg: m.alg }));
      const p = parts[1] ?? '';
      const secret = m.secret === 'public-key-pem' ? (ctx.publicKeyPem ?? 'no-pem') : m.secret;
      return `${h}.${p}.${hmac(m.alg, secret, `${h}.${p}`)}`;
    }
    case 'unsign': {
      const header = decodeJson(parts[0]);
      return `${b64(JSON.stringify({ ...(isObject(header) ? header : {}), alg: m.alg }))}.${parts[1] ?? ''}.`;
    }
    case 'standardBase64':
      return parts.map((p) => Buffer.from(p, 'base64url').toString('base64')).join('.');
    case 'wrap':
      return `${m.before}${token}${m.after}`;
    case 'case': {
      const i = at(m.at);
      const c = token.charAt(i);
      const swapped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return `${token.slice(0, i)}${swapped}${token.slice(i + 1)}`;
    }
  }
}

export function applyMutations(token: string, ms: readonly Mutation[], ctx: MutationContext = {}): string {
  return ms.reduce((t, m) => applyMutation(t, m, ctx), token);
}

/** A real token (picked from `tokens`) with one to four mutations, as `{ base, mutations, token }`. */
export function mutatedToken(
  tokens: readonly string[],
  ctx: MutationContext = {},
): fc.Arbitrary<{ base: string; mutations: Mutation[]; token: string }> {
  return fc
    .tuple(fc.constantFrom(...tokens), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([base, mutations]) => ({ base, mutations, token: applyMutations(base, mutations, ctx) }));
}

/** Garbage or a mutated real token, as the token to feed and (for mutations) the original. */
export function fuzzInput(tokens: readonly string[], ctx: MutationContext = {}): fc.Arbitrary<{ token: string; base?: string }> {
  return fc.oneof(
    { weight: 2, arbitrary: garbage.map((token) => ({ token })) },
    { weight: 3, arbitrary: mutatedToken(tokens, ctx).map(({ base, token }) => ({ token, base })) },
    { weight: 1, arbitrary: fc.constantFrom(...tokens).map((token) => ({ token, base: token })) },
  );
}

/**
 * The token as the command receives it: without the `Bearer ` prefix and surrounding whitespace
 * (both ignored by decode), split into its parts.
 */
export function normalizedParts(token: string): string[] {
  return token.trim().replace(/^Bearer\s+/i, '').split('.');
}

/**
 * The security property of `verify`: a token that passes is, byte for byte, an original — same
 * header and payload text (they are the signing input), same signature bytes.
 */
export function isOriginal(token: string, originals: readonly string[]): boolean {
  const [h, p, s, ...rest] = normalizedParts(token);
  if (rest.length > 0 || s === undefined) return false;
  return originals.some((o) => {
    const [oh, op, os] = o.split('.');
    return h === oh && p === op && Buffer.from(s, 'base64url').equals(Buffer.from(os ?? '', 'base64url'));
  });
}

/** The checks every error output must pass: no stack trace, at most two lines. */
export function errorOutputProblems(stderr: string): string[] {
  const problems: string[] = [];
  if (/\n\s+at /.test(stderr)) problems.push('a stack trace');
  const lines = stderr.replace(/\n$/, '').split('\n');
  if (stderr !== '' && lines.length > 2) problems.push(`${lines.length} lines`);
  return problems;
}

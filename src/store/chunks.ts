import { isPlainObject } from './entry.js';

/**
 * How one store entry is laid out across keychain entries (SPEC "Token store": "a token set larger
 * than one keychain entry can hold (Windows caps entries near 2.5 KB) is split across entries").
 *
 * A small entry is stored as is under the account `<profile>`. A larger one is stored as parts
 * under `<profile>/part/<id>/<1..N>` plus a header `{"oauthctl_chunks":N,"id":"<id>"}` under
 * `<profile>`. Every write uses a fresh `id`, and the header is written after its parts, so a
 * reader in another process sees a complete old or new value, never old and new parts mixed.
 * Profile names cannot contain `/` (see profile-name.ts), so part accounts never collide.
 */
export interface ChunkHeader {
  count: number;
  id: string;
}

export const CHUNK_KEY = 'oauthctl_chunks';

export function partAccount(profile: string, id: string, index: number): string {
  return `${profile}/part/${id}/${index}`;
}

/**
 * JSON with every non-ASCII character escaped: the length in characters is then the length in
 * bytes (Windows limits bytes), and cutting anywhere cannot split a UTF-16 surrogate pair.
 */
export function encodeAscii(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function splitIntoChunks(serialized: string, maxChars: number, id: string): { header: string; parts: string[] } {
  const parts: string[] = [];
  for (let at = 0; at < serialized.length; at += maxChars) parts.push(serialized.slice(at, at + maxChars));
  return { header: JSON.stringify({ [CHUNK_KEY]: parts.length, id }), parts };
}

/**
 * The header stored under `<profile>`, `undefined` when the value is a plain (unsplit) entry, or
 * `'malformed'` when it claims to be a header but is not a valid one.
 */
export function parseChunkHeader(value: string): ChunkHeader | undefined | 'malformed' {
  if (!value.includes(CHUNK_KEY)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return undefined; // not JSON at all: the caller reports it as a damaged entry
  }
  if (!isPlainObject(doc) || !Object.hasOwn(doc, CHUNK_KEY)) return undefined;
  const count = doc[CHUNK_KEY];
  const id = doc.id;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) return 'malformed';
  if (typeof id !== 'string' || !/^[0-9a-f]{1,32}$/.test(id)) return 'malformed';
  return { count, id };
}

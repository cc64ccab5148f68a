/**
 * JSON text of untrusted values, whatever their depth (SPEC "Safety": deeply nested JSON from a
 * server or in a JWT is rendered, never a crash).
 *
 * `JSON.parse` reads any depth, but `JSON.stringify` recurses and throws `RangeError` (a stack
 * overflow) on a value nested some thousands deep. `toJson` is `JSON.stringify` for every value it
 * can handle, and an iterative serialiser for the others: indentation stops growing past
 * `MAX_INDENT_DEPTH` levels (deeper members are written compactly), so the text stays linear in
 * the size of the value.
 */

/** Levels indented with `indent`; deeper levels are written on one line. */
export const MAX_INDENT_DEPTH = 32;

export function toJson(value: unknown, indent = 0): string {
  try {
    return JSON.stringify(value, null, indent) ?? 'null';
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return stringifyIteratively(value, indent);
  }
}

type Frame =
  | { kind: 'array'; items: unknown[]; next: number; depth: number }
  | { kind: 'object'; entries: [string, unknown][]; next: number; depth: number; wrote: boolean };

/** JSON.stringify's rules for plain data (what JSON.parse returns), with an explicit stack. */
export function stringifyIteratively(root: unknown, indent: number): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const newline = (depth: number): string => (indent > 0 && depth <= MAX_INDENT_DEPTH ? `\n${' '.repeat(indent * depth)}` : '');
  const colon = indent > 0 ? ': ' : ':';

  /** Writes a scalar, or opens a container (pushing its frame). */
  const open = (value: unknown, depth: number): void => {
    const v = toJsonValue(value);
    if (Array.isArray(v)) {
      out.push('[');
      stack.push({ kind: 'array', items: v, next: 0, depth: depth + 1 });
    } else if (typeof v === 'object' && v !== null) {
      out.push('{');
      const entries = Object.entries(v).filter(([, m]) => isSerialisable(toJsonValue(m)));
      stack.push({ kind: 'object', entries, next: 0, depth: depth + 1, wrote: false });
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  };

  open(root, 0);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const size = frame.kind === 'array' ? frame.items.length : frame.entries.length;
    if (frame.next >= size) {
      stack.pop();
      if (size > 0) out.push(newline(frame.depth - 1));
      out.push(frame.kind === 'array' ? ']' : '}');
      continue;
    }
    if (frame.next > 0) out.push(',');
    out.push(newline(frame.depth));
    if (frame.kind === 'array') {
      const item = toJsonValue(frame.items[frame.next++]);
      open(isSerialisable(item) ? item : null, frame.depth);
    } else {
      const [key, member] = frame.entries[frame.next++] as [string, unknown];
      out.push(JSON.stringify(key), colon);
      open(member, frame.depth);
    }
  }
  return out.join('');
}

function toJsonValue(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : value;
}

function isSerialisable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** How deep a server's JSON answer may nest: far beyond any OAuth/OIDC document, far below a stack overflow. */
export const MAX_SERVER_JSON_DEPTH = 256;

/**
 * Whether a JSON text nests arrays and objects deeper than `max`, found by one pass over the text
 * (strings skipped), before anything parses or walks it. Text that is not JSON gives an
 * arbitrary answer, which is harmless: it will not parse.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  return false;
}

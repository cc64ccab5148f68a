/**
 * The D-Bus wire format, as little of it as the keychain needs: method calls written in little
 * endian, and replies (either byte order) read as far as their header fields and the few body types
 * the Secret Service answers with (`s`, `o`, `ao`, `ay`, a variant of `s`/`ay`/`b`, a struct).
 *
 * @see https://dbus.freedesktop.org/doc/dbus-specification.html (Message Protocol: marshaling,
 *   message format, header fields)
 */

export const METHOD_CALL = 1;
export const METHOD_RETURN = 2;
export const ERROR = 3;

/** Where a method call goes; `destination` is a bus name. */
export interface CallTarget {
  path: string;
  iface: string;
  member: string;
  destination: string;
}

/** One body argument of a call: its signature and how it is written. */
export interface Arg {
  signature: string;
  write(w: Writer): void;
}

export const str = (value: string): Arg => ({ signature: 's', write: (w) => w.string(value) });
export const objectPath = (value: string): Arg => ({ signature: 'o', write: (w) => w.string(value) });
/** A variant holding a string. */
export const variantString = (value: string): Arg => ({ signature: 'v', write: (w) => w.signature('s').string(value) });
/** `a{ss}`: a string → string dictionary (the Secret Service's item attributes). */
export const stringDict = (entries: Record<string, string>): Arg => ({
  signature: 'a{ss}',
  write: (w) =>
    w.array(8, () => {
      for (const [key, value] of Object.entries(entries)) w.align(8).string(key).string(value);
    }),
});

/** A little-endian METHOD_CALL with the given serial (never 0) and arguments. */
export function methodCall(serial: number, to: CallTarget, args: Arg[] = []): Buffer {
  const w = new Writer();
  w.byte('l'.charCodeAt(0)).byte(METHOD_CALL).byte(0).byte(1);
  const bodyLengthAt = w.reserveU32();
  w.u32(serial);
  const fieldsLengthAt = w.reserveU32();
  const fieldsStart = w.length;
  const field = (code: number, sig: 'o' | 's', value: string) => w.align(8).byte(code).signature(sig).string(value);
  field(1, 'o', to.path);
  field(2, 's', to.iface);
  field(3, 's', to.member);
  field(6, 's', to.destination);
  if (args.length > 0) w.align(8).byte(8).signature('g').signature(args.map((a) => a.signature).join(''));
  w.setU32(fieldsLengthAt, w.length - fieldsStart);
  w.align(8);
  const bodyStart = w.length;
  for (const arg of args) arg.write(w);
  w.setU32(bodyLengthAt, w.length - bodyStart);
  return w.buffer();
}

/** Little-endian marshalling into a growing buffer. */
export class Writer {
  private buf = Buffer.alloc(256);
  private at = 0;
  get length(): number {
    return this.at;
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
  byte(b: number): this {
    this.room(1);
    this.buf[this.at++] = b & 0xff;
    return this;
  }
  u32(n: number): this {
    this.room(4);
    this.buf.writeUInt32LE(n >>> 0, this.at);
    this.at += 4;
    return this;
  }
  reserveU32(): number {
    const at = this.at;
    this.u32(0);
    return at;
  }
  setU32(at: number, n: number): void {
    this.buf.writeUInt32LE(n >>> 0, at);
  }
  align(n: number): this {
    const to = Math.ceil(this.at / n) * n;
    this.room(to - this.at);
    this.buf.fill(0, this.at, to);
    this.at = to;
    return this;
  }
  signature(sig: string): this {
    this.room(sig.length + 2);
    this.buf[this.at++] = sig.length;
    this.at += this.buf.write(sig, this.at, 'latin1');
    this.buf[this.at++] = 0;
    return this;
  }
  string(value: string): this {
    const n = Buffer.byteLength(value, 'utf8');
    this.align(4).u32(n);
    this.room(n + 1);
    this.at += this.buf.write(value, this.at, 'utf8');
    this.buf[this.at++] = 0;
    return this;
  }
  /** An array: its byte length, padding to the element alignment (not counted), the elements. */
  array(elementAlignment: number, writeElements: () => void): this {
    const lengthAt = this.align(4).reserveU32();
    this.align(elementAlignment);
    const start = this.length;
    writeElements();
    this.setU32(lengthAt, this.length - start);
    return this;
  }
  buffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }
}

export interface Message {
  length: number;
  type: number;
  serial: number;
  replySerial?: number;
  errorName?: string;
  /** A call's object path and member (header fields 1 and 3). */
  path?: string;
  member?: string;
  /** The body's signature (header field 8), '' when it has none. */
  signature: string;
  little: boolean;
  /** The body; a message's body starts 8-aligned, so offsets in it align as in the message. */
  body: Buffer;
}

/** One whole message at the start of `buf` (either byte order), or undefined when incomplete. */
export function readMessage(buf: Buffer): Message | undefined {
  if (buf.length < 16) return undefined;
  const little = buf[0] === 0x6c; // 'l'
  const u32 = (at: number) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const fieldsLength = u32(12);
  const bodyStart = align(16 + fieldsLength, 8);
  const length = bodyStart + u32(4);
  if (buf.length < length) return undefined;
  const message: Message = { length, type: buf[1] ?? 0, serial: u32(8), little, signature: '', body: buf.subarray(bodyStart, length) };
  let at = 16;
  const end = 16 + fieldsLength;
  while (at < end) {
    at = align(at, 8);
    const code = buf[at++] ?? 0;
    const sigLength = buf[at++] ?? 0;
    const sig = buf.toString('latin1', at, at + sigLength);
    at += sigLength + 1;
    if (sig === 'u') {
      at = align(at, 4);
      if (code === 5) message.replySerial = u32(at);
      at += 4;
    } else if (sig === 's' || sig === 'o') {
      at = align(at, 4);
      const n = u32(at);
      const value = buf.toString('utf8', at + 4, at + 4 + n);
      if (code === 1) message.path = value;
      else if (code === 3) message.member = value;
      else if (code === 4) message.errorName = value;
      at += 4 + n + 1;
    } else if (sig === 'g') {
      const n = buf[at] ?? 0;
      if (code === 8) message.signature = buf.toString('latin1', at + 1, at + 1 + n);
      at += n + 2;
    } else {
      break; // a field type this reader never needs; the ones it reads come first in practice
    }
  }
  return message;
}

/** Reads a reply's body in order; every read checks the bounds and throws a plain Error past them. */
export class BodyReader {
  private at = 0;
  constructor(private readonly message: Message) {}

  private need(n: number): void {
    if (this.at + n > this.message.body.length) throw new Error('a D-Bus reply ended early');
  }
  align(n: number): this {
    this.at = align(this.at, n);
    return this;
  }
  u32(): number {
    this.align(4).need(4);
    const { body, little } = this.message;
    const n = little ? body.readUInt32LE(this.at) : body.readUInt32BE(this.at);
    this.at += 4;
    return n;
  }
  /** `s` or `o`. */
  string(): string {
    const n = this.u32();
    this.need(n + 1);
    const value = this.message.body.toString('utf8', this.at, this.at + n);
    this.at += n + 1;
    return value;
  }
  signature(): string {
    this.need(1);
    const n = this.message.body[this.at] ?? 0;
    this.need(n + 2);
    const value = this.message.body.toString('latin1', this.at + 1, this.at + 1 + n);
    this.at += n + 2;
    return value;
  }
  /** `ay`, copied out of the message. */
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const value = Buffer.from(this.message.body.subarray(this.at, this.at + n));
    this.at += n;
    return value;
  }
  /** `ao` (or `as`). */
  strings(): string[] {
    const end = this.u32() + align(this.at, 4);
    const values: string[] = [];
    while (this.align(4).at < end) values.push(this.string());
    return values;
  }
  /** `b`. */
  boolean(): boolean {
    return this.u32() !== 0;
  }
  /** A variant: its signature, then its value read by `read` for that signature. */
  variant<T>(read: (signature: string, r: this) => T): T {
    return read(this.signature(), this);
  }
}

export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

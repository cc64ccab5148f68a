import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { noAnswerWithin } from './deadline.js';

/**
 * Asks the D-Bus session bus, from JavaScript, whether a Secret Service answers, before any native
 * keyring library is given the chance to block on it.
 *
 * Why: libdbus and libsecret wait without end on a bus that accepts the connection and never
 * answers, and a native call blocked in a thread cannot be abandoned in Node (the thread pool is
 * joined at exit, even by `process.exit`), so the deadline must be met *before* the native call
 * starts. This probe is a socket we can close: it authenticates (SASL EXTERNAL), says `Hello`, and
 * asks `org.freedesktop.secrets` whether its default collection is locked (which lets the bus
 * activate gnome-keyring or KWallet as libsecret would), all in one write, then closes. Any reply
 * from the service — a return or an error other than "no such name" — means it answers; "locked"
 * counts as no answer.
 *
 * @see https://dbus.freedesktop.org/doc/dbus-specification.html (Authentication protocol; Message
 *   format; org.freedesktop.DBus.Properties); Secret Service API 0.2 (Collection.Locked)
 */
export type BusAnswer = { ok: true } | { ok: false; reason: string };

const SECRETS = 'org.freedesktop.secrets';
const MISSING_NAME_ERRORS = new Set(['org.freedesktop.DBus.Error.ServiceUnknown', 'org.freedesktop.DBus.Error.NameHasNoOwner']);

/**
 * The socket path of the session bus (`unix:path=` or `unix:abstract=`; the first usable entry of
 * the list), else `$XDG_RUNTIME_DIR/bus` as libdbus does, else undefined.
 */
export function sessionBusPath(env: Record<string, string | undefined>): string | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'bus') : undefined;
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':');
    if (entry.slice(0, colon) !== 'unix') continue;
    const params = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) params.set(pair.slice(0, eq), unescapeValue(pair.slice(eq + 1)));
    }
    const path = params.get('path');
    if (path) return path;
    const abstract = params.get('abstract');
    if (abstract) return `\0${abstract}`;
    if (params.get('runtime') === 'yes' && env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'bus');
  }
  return undefined;
}

/** D-Bus addresses escape bytes as %XX. */
function unescapeValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Settles with the answer, or with `{ ok: false }` after `timeoutMs`. Never rejects, never leaves a
 * handle open: the socket is destroyed in every case.
 */
export function probeSecretService(
  env: Record<string, string | undefined>,
  timeoutMs: number,
  uid: number = process.getuid?.() ?? 0,
): Promise<BusAnswer> {
  const path = sessionBusPath(env);
  if (!path) return Promise.resolve({ ok: false, reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)' });
  return new Promise<BusAnswer>((resolve) => {
    let socket: Socket | undefined;
    const done = (answer: BusAnswer) => {
      clearTimeout(timer);
      socket?.destroy();
      resolve(answer);
    };
    const timer = setTimeout(
      () => done({ ok: false, reason: `${noAnswerWithin(timeoutMs)} from the D-Bus session bus` }),
      timeoutMs,
    );
    socket = connect({ path });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, reason: `cannot reach the D-Bus session bus (${err.code ?? err.message})` }),
    );
    socket.on('close', () => done({ ok: false, reason: 'the D-Bus session bus closed the connection' }));
    // Everything in one write, as sd-bus does: the bus reads BEGIN and the messages after its OK,
    // so the whole probe is one round trip.
    socket.on('connect', () => {
      const auth = `\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\nBEGIN\r\n`;
      socket!.write(Buffer.concat([Buffer.from(auth, 'latin1'), helloMessage(), lockedMessage()]));
    });
    let buffered = Buffer.alloc(0);
    let authenticated = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!authenticated) {
        const end = buffered.indexOf('\r\n');
        if (end < 0) return;
        const line = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 2);
        if (!line.startsWith('OK ')) return done({ ok: false, reason: `the D-Bus session bus refused us (${line.slice(0, 40)})` });
        authenticated = true;
      }
      for (;;) {
        const message = readMessage(buffered);
        if (!message) return;
        buffered = buffered.subarray(message.length);
        if (message.replySerial !== LOCKED_SERIAL) continue;
        if (message.type === ERROR && MISSING_NAME_ERRORS.has(message.errorName ?? '')) {
          return done({ ok: false, reason: `no Secret Service (${SECRETS}) on the D-Bus session bus` });
        }
        if (message.type === METHOD_RETURN && readVariantBoolean(message) === true) {
          return done({ ok: false, reason: 'the keyring is locked' });
        }
        return done({ ok: true });
      }
    });
  });
}

const METHOD_CALL = 1;
const METHOD_RETURN = 2;
const ERROR = 3;
const HELLO_SERIAL = 1;
const LOCKED_SERIAL = 2;

function helloMessage(): Buffer {
  return methodCall(HELLO_SERIAL, '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'Hello', 'org.freedesktop.DBus');
}

/**
 * `Locked` of the default collection, where both bindings keep their items. Reading it starts the
 * service when the bus can activate it (as the bindings' first call would). A locked collection
 * would make the binding ask for the password and wait for the user, so it counts as "no answer"
 * (SPEC "Token store": a locked keychain must not hang a script).
 * @see Secret Service API 0.2, org.freedesktop.Secret.Collection; D-Bus specification, org.freedesktop.DBus.Properties
 */
function lockedMessage(): Buffer {
  return methodCall(LOCKED_SERIAL, '/org/freedesktop/secrets/aliases/default', 'org.freedesktop.DBus.Properties', 'Get', SECRETS, [
    'org.freedesktop.Secret.Collection',
    'Locked',
  ]);
}

/** A little-endian METHOD_CALL whose body is the given strings. */
function methodCall(serial: number, path: string, iface: string, member: string, destination: string, args: string[] = []): Buffer {
  const w = new Writer();
  w.byte('l'.charCodeAt(0)).byte(METHOD_CALL).byte(0).byte(1);
  const bodyLengthAt = w.reserveU32();
  w.u32(serial);
  const lengthAt = w.reserveU32();
  const fieldsStart = w.length;
  const field = (code: number, sig: 'o' | 's', value: string) => w.align(8).byte(code).signature(sig).string(value);
  field(1, 'o', path);
  field(2, 's', iface);
  field(3, 's', member);
  field(6, 's', destination);
  if (args.length > 0) w.align(8).byte(8).signature('g').signature('s'.repeat(args.length));
  w.setU32(lengthAt, w.length - fieldsStart);
  w.align(8);
  const bodyStart = w.length;
  for (const arg of args) w.string(arg);
  w.setU32(bodyLengthAt, w.length - bodyStart);
  return w.buffer();
}

/** A reply whose body is one variant holding a boolean: its value, else undefined. */
export function readVariantBoolean(message: Message): boolean | undefined {
  const body = message.body;
  if (body.length < 3 || body[0] !== 1 || body[1] !== 0x62 /* 'b' */) return undefined;
  const at = align(3, 4);
  if (body.length < at + 4) return undefined;
  return (message.little ? body.readUInt32LE(at) : body.readUInt32BE(at)) !== 0;
}

class Writer {
  private bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  byte(b: number): this {
    this.bytes.push(b & 0xff);
    return this;
  }
  u32(n: number): this {
    return this.byte(n).byte(n >>> 8).byte(n >>> 16).byte(n >>> 24);
  }
  reserveU32(): number {
    const at = this.bytes.length;
    this.u32(0);
    return at;
  }
  setU32(at: number, n: number): void {
    for (let i = 0; i < 4; i++) this.bytes[at + i] = (n >>> (8 * i)) & 0xff;
  }
  align(n: number): this {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
    return this;
  }
  signature(sig: string): this {
    this.byte(sig.length);
    for (const c of Buffer.from(sig, 'latin1')) this.byte(c);
    return this.byte(0);
  }
  string(value: string): this {
    const data = Buffer.from(value, 'utf8');
    this.align(4).u32(data.length);
    for (const c of data) this.byte(c);
    return this.byte(0);
  }
  buffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

export interface Message {
  length: number;
  type: number;
  replySerial?: number;
  errorName?: string;
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
  const message: Message = { length, type: buf[1] ?? 0, little, body: buf.subarray(bodyStart, length) };
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
      if (code === 4) message.errorName = buf.toString('utf8', at + 4, at + 4 + n);
      at += 4 + n + 1;
    } else if (sig === 'g') {
      at += (buf[at] ?? 0) + 2;
    } else {
      break; // a field type this probe never needs; the ones it reads come first in practice
    }
  }
  return message;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

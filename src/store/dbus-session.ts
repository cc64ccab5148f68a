import type { Socket } from 'node:net';
import { join } from 'node:path';
import { noAnswerWithin } from './deadline.js';
import { ERROR, METHOD_RETURN, methodCall, readMessage, type Arg, type CallTarget, type Message } from './dbus-wire.js';

/**
 * A connection to the D-Bus session bus, from JavaScript: a socket we can close.
 *
 * Why not through a native library: libdbus and libsecret wait without end on a bus that accepts
 * the connection and never answers, and a native call blocked in a thread cannot be abandoned in
 * Node (libuv joins its thread pool at exit, even after `process.exit`). A socket can be closed at
 * the deadline, so nothing here ever keeps the process alive (SPEC "Safety").
 *
 * It authenticates (SASL EXTERNAL), says `Hello`, and sends every call made before the socket
 * connected in the same write, as sd-bus does: the bus reads BEGIN and the messages after its OK,
 * so independent calls cost one round trip together. Each wait on it has a deadline (talkWithin).
 *
 * @see https://dbus.freedesktop.org/doc/dbus-specification.html (Authentication protocol; Message bus: Hello)
 */
export type BusAnswer<T = void> = { ok: true; value: T } | { ok: false; reason: string };

export interface Bus {
  /** Sends a method call; settles with its METHOD_RETURN, or rejects with BusError. */
  call(to: CallTarget, args?: Arg[]): Promise<Message>;
}

/** An ERROR reply: its D-Bus error name. */
export class BusError extends Error {
  constructor(readonly errorName: string) {
    super(errorName);
    this.name = 'BusError';
  }
}

/** Ends a conversation with `{ ok: false, reason }` (a locked keyring, an unexpected answer). */
export class BusRefusal extends Error {}

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

const READ_SIZE = 16 * 1024;

const HELLO: CallTarget = { path: '/org/freedesktop/DBus', iface: 'org.freedesktop.DBus', member: 'Hello', destination: 'org.freedesktop.DBus' };

/** A connection to the session bus that a deadline can close. */
export interface BusConnection extends Bus {
  /** Settles with why the connection ended (no bus, refused, closed, `close()`); never rejects. */
  readonly ended: Promise<string>;
  close(reason?: string): void;
}

/**
 * Connects to the session bus, authenticates and says Hello; calls made before the bus answered
 * leave in the same write. The socket is unref'd: an open connection never keeps the process
 * alive, only a caller waiting under its deadline does.
 */
export function openBus(env: Record<string, string | undefined>, uid: number = process.getuid?.() ?? 0): BusConnection {
  const path = sessionBusPath(env);
  if (!path) return endedBus('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)');
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  let serial = 0;
  let connected = false;
  let queued: Buffer[] = [];
  let why: string | undefined;
  let ended!: (reason: string) => void;
  const endedPromise = new Promise<string>((resolve) => (ended = resolve));
  // `onread` hands each read to `receive` without the Readable stream machinery, whose first use
  // costs a fresh process more than the conversation itself.
  // node:net only now: the keychain chunk is loaded on macOS and Windows too, where nothing speaks D-Bus.
  const socket: Socket = process.getBuiltinModule('node:net').connect({
    path,
    onread: {
      buffer: Buffer.alloc(READ_SIZE),
      callback: (n, buf) => {
        receive(Buffer.from(buf.subarray(0, n)));
        return true;
      },
    },
  });
  socket.unref();
  const end = (reason: string) => {
    if (why !== undefined) return;
    why = reason;
    socket.destroy();
    for (const p of pending.values()) p.reject(new BusRefusal(reason));
    pending.clear();
    ended(reason);
  };
  const call = (to: CallTarget, args: Arg[] = []): Promise<Message> => {
    if (why !== undefined) return Promise.reject(new BusRefusal(why));
    const message = methodCall(++serial, to, args);
    const replied = new Promise<Message>((resolve, reject) => pending.set(serial, { resolve, reject }));
    if (connected) socket.write(message);
    else queued.push(message);
    return replied;
  };
  void call(HELLO).catch(() => undefined);

  socket.on('error', (err: NodeJS.ErrnoException) => end(`cannot reach the D-Bus session bus (${err.code ?? err.message})`));
  socket.on('close', () => end('the D-Bus session bus closed the connection'));
  socket.on('connect', () => {
    connected = true;
    const auth = `\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\nBEGIN\r\n`;
    socket.write(Buffer.concat([Buffer.from(auth, 'latin1'), ...queued]));
    queued = [];
  });
  let buffered: Buffer = Buffer.alloc(0);
  let authenticated = false;
  const receive = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (!authenticated) {
      const at = buffered.indexOf('\r\n');
      if (at < 0) return;
      const line = buffered.subarray(0, at).toString('latin1');
      buffered = buffered.subarray(at + 2);
      if (!line.startsWith('OK ')) return end(`the D-Bus session bus refused us (${line.slice(0, 40)})`);
      authenticated = true;
    }
    for (;;) {
      const message = readMessage(buffered);
      if (!message) return;
      buffered = buffered.subarray(message.length);
      const waiting = message.replySerial === undefined ? undefined : pending.get(message.replySerial);
      if (!waiting || (message.type !== METHOD_RETURN && message.type !== ERROR)) continue;
      pending.delete(message.replySerial!);
      if (message.type === METHOD_RETURN) waiting.resolve(message);
      else waiting.reject(new BusError(message.errorName ?? 'an unnamed D-Bus error'));
    }
  };
  return { call, ended: endedPromise, close: (reason = 'closed') => end(reason) };
}

function endedBus(reason: string): BusConnection {
  return { call: () => Promise.reject(new BusRefusal(reason)), ended: Promise.resolve(reason), close: () => {} };
}

/**
 * Runs `talk` on `bus` under a deadline. Settles with talk's value, or `{ ok: false, reason }`: the
 * connection ended, talk threw (BusRefusal, BusError), or `timeoutMs` passed first — then the
 * connection is closed, so nothing waits on it any more. Never rejects.
 */
export function talkWithin<T>(bus: BusConnection, timeoutMs: number, talk: (bus: Bus) => Promise<T>): Promise<BusAnswer<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<BusAnswer<T>>((resolve) => {
    timer = setTimeout(() => {
      const reason = `${noAnswerWithin(timeoutMs)} from the D-Bus session bus`;
      bus.close(reason);
      resolve({ ok: false, reason });
    }, timeoutMs);
  });
  const talked = talk(bus).then(
    (value): BusAnswer<T> => ({ ok: true, value }),
    (err: unknown): BusAnswer<T> => ({ ok: false, reason: err instanceof Error ? err.message : String(err) }),
  );
  const lost = bus.ended.then((reason): BusAnswer<T> => ({ ok: false, reason }));
  return Promise.race([talked, lost, late]).finally(() => clearTimeout(timer));
}

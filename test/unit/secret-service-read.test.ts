import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretServiceClient, type SecretServiceClient } from '../../src/store/secret-service.js';
import { BodyReader, readMessage, Writer, type Message } from '../../src/store/dbus-wire.js';

/** A reply (METHOD_RETURN, or ERROR with `errorName`) to `to`, with a body of `signature`. */
function reply(to: Message, signature = '', body: (w: Writer) => void = () => {}, errorName?: string): Buffer {
  const w = new Writer();
  w.byte('l'.charCodeAt(0)).byte(errorName ? 3 : 2).byte(1).byte(1);
  const bodyLengthAt = w.reserveU32();
  w.u32(1000 + to.serial);
  const fieldsLengthAt = w.reserveU32();
  const start = w.length;
  w.align(8).byte(5).signature('u').u32(to.serial);
  if (errorName) w.align(8).byte(4).signature('s').string(errorName);
  if (signature) w.align(8).byte(8).signature('g').signature(signature);
  w.setU32(fieldsLengthAt, w.length - start);
  w.align(8);
  const bodyStart = w.length;
  body(w);
  w.setU32(bodyLengthAt, w.length - bodyStart);
  return w.buffer();
}

const objectPaths = (paths: string[]) => (w: Writer) => w.array(4, () => paths.forEach((p) => w.string(p)));

/** The a{ss} a SearchItems call carries (little endian: its length, then 8-aligned entries from 8). */
function attributesOf(call: Message): Record<string, string> {
  const b = call.body;
  const end = 8 + b.readUInt32LE(0);
  let at = 8;
  const string = () => {
    at = Math.ceil(at / 4) * 4;
    const n = b.readUInt32LE(at);
    const value = b.toString('utf8', at + 4, at + 4 + n);
    at += 4 + n + 1;
    return value;
  };
  const out: Record<string, string> = {};
  while (at < end) {
    at = Math.ceil(at / 8) * 8;
    const key = string();
    out[key] = string();
  }
  return out;
}

interface Item {
  path: string;
  secret: string;
  locked?: boolean;
}

describe('the Secret Service read (a plain session, the search @napi-rs/keyring makes)', () => {
  let dir: string | undefined;
  let server: Server | undefined;
  let client: SecretServiceClient | undefined;
  const sockets = new Set<Socket>();
  let connections = 0;
  const calls: Message[] = [];

  afterEach(async () => {
    client?.close();
    for (const s of sockets) s.destroy();
    if (server) await new Promise((resolve) => server!.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
    server = dir = client = undefined;
    calls.length = 0;
    connections = 0;
  });

  /** A session bus with a Secret Service holding `items` (found by SearchItems whatever it asks); `silentAfter` stops answering after that many calls. */
  async function secretService(items: Item[], opts: { silentAfter?: number; searchError?: string } = {}): Promise<Record<string, string>> {
    dir = await mkdtemp(join(tmpdir(), 'oauthctl-bus-'));
    const path = join(dir, 'bus');
    server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      let buffered = Buffer.alloc(0);
      let authed = false;
      socket.on('data', (data: Buffer) => {
        buffered = Buffer.concat([buffered, data]);
        if (!authed) {
          const begin = buffered.indexOf('BEGIN\r\n');
          if (begin < 0) return;
          buffered = buffered.subarray(begin + 7);
          authed = true;
          socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
        }
        for (let m = readMessage(buffered); m; m = readMessage(buffered)) {
          buffered = buffered.subarray(m.length);
          calls.push(m);
          if (opts.silentAfter !== undefined && calls.length > opts.silentAfter) continue;
          socket.write(answer(m));
        }
      });
    });
    const answer = (m: Message): Buffer => {
      switch (m.member) {
        case 'Get': // Collection.Locked
          return reply(m, 'v', (w) => w.signature('b').u32(0));
        case 'OpenSession':
          return reply(m, 'vo', (w) => w.signature('s').string('').string('/org/freedesktop/secrets/session/7'));
        case 'SearchItems':
          if (opts.searchError) return reply(m, '', undefined, opts.searchError);
          return reply(m, 'aoao', (w) => {
            objectPaths(items.filter((i) => !i.locked).map((i) => i.path))(w);
            objectPaths(items.filter((i) => i.locked).map((i) => i.path))(w);
          });
        case 'GetSecret': {
          const item = items.find((i) => i.path === m.path)!;
          return reply(m, '(oayays)', (w) =>
            w.align(8).string('/org/freedesktop/secrets/session/7').array(1, () => {}).array(1, () => Buffer.from(item.secret).forEach((b) => w.byte(b))).string('text/plain'),
          );
        }
        default:
          return reply(m, 's', (w) => w.string(':1.42')); // Hello
      }
    };
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    return { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path},guid=0123` };
  }

  const ITEM = '/org/freedesktop/secrets/collection/login/3';

  it('after the probe, on the same connection: SearchItems with service and username, then GetSecret in a plain session', async () => {
    client = secretServiceClient(await secretService([{ path: ITEM, secret: '{"tokens":{}}' }]));
    expect(await client.probe(2000, { openSession: true })).toEqual({ ok: true, value: undefined });
    const answer = await client.read({ service: 'oauthctl', username: 'work' }, 2000);
    expect(answer.ok && answer.value?.toString()).toBe('{"tokens":{}}');
    expect(connections).toBe(1);
    expect(calls.map((c) => c.member)).toEqual(['Hello', 'Get', 'OpenSession', 'SearchItems', 'GetSecret']);
    const open = new BodyReader(calls[2]!);
    expect(open.string()).toBe('plain');
    expect(attributesOf(calls[3]!)).toEqual({ service: 'oauthctl', username: 'work' });
    expect(calls[4]!.path).toBe(ITEM);
    expect(new BodyReader(calls[4]!).string()).toBe('/org/freedesktop/secrets/session/7');
  });

  it('nothing found: null, and no secret asked for', async () => {
    client = secretServiceClient(await secretService([]));
    expect(await client.read({ service: 'oauthctl', username: 'none' }, 2000)).toEqual({ ok: true, value: null });
    expect(calls.map((c) => c.member)).not.toContain('GetSecret');
  });

  it('a locked item: not ok (reading it would wait for a password prompt)', async () => {
    client = secretServiceClient(await secretService([{ path: ITEM, secret: 's', locked: true }]));
    expect(await client.read({ service: 'oauthctl', username: 'work' }, 2000)).toEqual({ ok: false, reason: 'the keyring is locked' });
    expect(calls.map((c) => c.member)).not.toContain('GetSecret');
  });

  it('two matching items: not ok, as @napi-rs/keyring says "ambiguous"', async () => {
    client = secretServiceClient(await secretService([{ path: ITEM, secret: 'a' }, { path: `${ITEM}0`, secret: 'b' }]));
    expect(await client.read({ service: 'oauthctl', username: 'work' }, 2000)).toEqual({ ok: false, reason: '2 keychain items match one entry' });
  });

  it('no Secret Service on the bus: not ok, naming it', async () => {
    client = secretServiceClient(await secretService([], { searchError: 'org.freedesktop.DBus.Error.ServiceUnknown' }));
    expect(await client.read({ service: 'oauthctl', username: 'work' }, 2000)).toEqual({
      ok: false,
      reason: 'no Secret Service (org.freedesktop.secrets) on the D-Bus session bus',
    });
  });

  it('a service that stops answering after the probe: "no answer" at the deadline, the connection closed, the next read refused at once', async () => {
    client = secretServiceClient(await secretService([{ path: ITEM, secret: 's' }], { silentAfter: 3 }));
    expect((await client.probe(2000, { openSession: true })).ok).toBe(true);
    const started = Date.now();
    expect(await client.read({ service: 'oauthctl', username: 'work' }, 300)).toEqual({ ok: false, reason: 'no answer within 300ms from the D-Bus session bus' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...sockets].every((s) => s.destroyed || s.readableEnded)).toBe(true);
    const again = Date.now();
    expect(await client.read({ service: 'oauthctl', username: 'work' }, 2000)).toEqual({ ok: false, reason: 'no answer within 300ms from the D-Bus session bus' });
    expect(Date.now() - again).toBeLessThan(1000);
  });
});

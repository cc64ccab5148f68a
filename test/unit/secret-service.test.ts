import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeSecretService } from '../../src/store/secret-service.js';
import { sessionBusPath } from '../../src/store/dbus-session.js';
import { readMessage } from '../../src/store/dbus-wire.js';

describe('sessionBusPath', () => {
  it.each([
    ['unix:path=/run/user/1000/bus', '/run/user/1000/bus'],
    ['unix:path=/tmp/dbus-x,guid=0123', '/tmp/dbus-x'],
    ['unix:abstract=/tmp/dbus-y,guid=ab', '\0/tmp/dbus-y'],
    ['tcp:host=localhost,port=1;unix:path=/tmp/b%2cc', '/tmp/b,c'],
    ['tcp:host=localhost,port=1', undefined],
  ])('%s → %j', (address, path) => {
    expect(sessionBusPath({ DBUS_SESSION_BUS_ADDRESS: address })).toBe(path);
  });

  it('falls back to $XDG_RUNTIME_DIR/bus, else nothing', () => {
    expect(sessionBusPath({ XDG_RUNTIME_DIR: '/run/user/7' })).toBe('/run/user/7/bus');
    expect(sessionBusPath({})).toBeUndefined();
  });
});

/**
 * A little-endian reply (METHOD_RETURN, or ERROR when `errorName` is given) to `replySerial`;
 * with `locked`, a return whose body is the variant boolean that Properties.Get answers.
 */
function reply(replySerial: number, errorName?: string, locked?: boolean): Buffer {
  const fields: number[] = [];
  const pad = (n: number) => {
    while ((16 + fields.length) % n !== 0) fields.push(0);
  };
  const u32 = (n: number) => fields.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  pad(8);
  fields.push(5, 1, 'u'.charCodeAt(0), 0);
  u32(replySerial);
  if (errorName) {
    pad(8);
    fields.push(4, 1, 's'.charCodeAt(0), 0);
    u32(errorName.length);
    fields.push(...Buffer.from(errorName), 0);
  }
  if (locked !== undefined) {
    pad(8);
    fields.push(8, 1, 'g'.charCodeAt(0), 0, 1, 'v'.charCodeAt(0), 0);
  }
  const fieldsLength = fields.length;
  pad(8);
  const body = locked === undefined ? [] : [1, 'b'.charCodeAt(0), 0, 0, locked ? 1 : 0, 0, 0, 0];
  const header = Buffer.alloc(16);
  header.write('l', 0);
  header[1] = errorName ? 3 : 2;
  header[3] = 1;
  header.writeUInt32LE(body.length, 4);
  header.writeUInt32LE(100 + replySerial, 8);
  header.writeUInt32LE(fieldsLength, 12);
  return Buffer.concat([header, Buffer.from(fields), Buffer.from(body)]);
}

describe('probeSecretService', () => {
  let dir: string | undefined;
  let server: Server | undefined;
  const sockets = new Set<Socket>();

  afterEach(async () => {
    for (const s of sockets) s.destroy();
    if (server) await new Promise((resolve) => server!.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
    server = dir = undefined;
  });

  /** A bus on a temp socket; `answer` decides what it says after the SASL handshake. */
  async function bus(answer: ((socket: Socket) => void) | 'silent'): Promise<Record<string, string>> {
    dir = await mkdtemp(join(tmpdir(), 'oauthctl-bus-'));
    const path = join(dir, 'bus');
    server = createServer((socket) => {
      sockets.add(socket);
      let authed = false;
      socket.on('data', (data: Buffer) => {
        if (answer === 'silent') return;
        if (!authed && data.toString('latin1').includes('AUTH EXTERNAL')) {
          authed = true;
          socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
        }
        // The probe pipelines BEGIN and its messages behind AUTH, as sd-bus does.
        if (authed && data.toString('latin1').includes('Locked')) answer(socket);
      });
    });
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    return { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path},guid=0123` };
  }

  it('a bus that accepts and never answers: not ok once the deadline has passed, and the socket is closed', async () => {
    const env = await bus('silent');
    const started = Date.now();
    expect(await probeSecretService(env, 300)).toEqual({ ok: false, reason: 'no answer within 300ms from the D-Bus session bus' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...sockets].every((s) => s.destroyed || s.readableEnded)).toBe(true);
  });

  it('a bus without a Secret Service: not ok, naming it', async () => {
    const env = await bus((s) => s.write(Buffer.concat([reply(1), reply(2, 'org.freedesktop.DBus.Error.ServiceUnknown')])));
    expect(await probeSecretService(env, 2000)).toEqual({ ok: false, reason: 'no Secret Service (org.freedesktop.secrets) on the D-Bus session bus' });
  });

  it('a Secret Service whose default collection is locked: not ok (the binding would wait for a password prompt)', async () => {
    const env = await bus((s) => s.write(Buffer.concat([reply(1), reply(2, undefined, true)])));
    expect(await probeSecretService(env, 2000)).toEqual({ ok: false, reason: 'the keyring is locked' });
  });

  it.each([
    ['says its default collection is unlocked', () => reply(2, undefined, false)],
    ['returns', () => reply(2)],
    ['answers with another error (no default collection)', () => reply(2, 'org.freedesktop.Secret.Error.NoSuchObject')],
  ])('a Secret Service that %s: ok', async (_, message) => {
    const env = await bus((s) => {
      // In two writes, split inside the second message: the reader must wait for the rest.
      const all = Buffer.concat([reply(1), message()]);
      s.write(all.subarray(0, all.length - 3));
      setTimeout(() => s.write(all.subarray(all.length - 3)), 20);
    });
    expect(await probeSecretService(env, 2000)).toEqual({ ok: true });
  });

  it('nothing listening: not ok at once', async () => {
    const answer = await probeSecretService({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }, 2000);
    expect(answer).toMatchObject({ ok: false, reason: expect.stringContaining('ENOENT') });
  });

  it('readMessage waits for a whole message', () => {
    const whole = reply(2, 'x.y');
    expect(readMessage(whole.subarray(0, whole.length - 1))).toBeUndefined();
    expect(readMessage(whole)).toMatchObject({ length: whole.length, type: 3, replySerial: 2, errorName: 'x.y' });
  });
});

/** processStdout: the answer written at once without process.stdout, and the stream when needed. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { processStdout, type StdoutDescriptor } from '../../src/io/io.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** A process whose stdout stream records whether it was created, and what it received. */
function fakeProcess() {
  const stream = new PassThrough();
  let received = '';
  stream.on('data', (d: Buffer) => (received += d.toString()));
  let created = 0;
  const proc = {
    get stdout() {
      created++;
      return stream;
    },
  };
  return { proc, stream, received: () => received, created: () => created };
}

/** Descriptor 1 as a pipe whose writes `write` answers. */
function pipe(write: (data: Uint8Array) => number): StdoutDescriptor {
  return { write, isPipeOrFile: () => true };
}

describe('processStdout', () => {
  it('writes through the descriptor, in pieces, without creating the stream', async () => {
    const fake = fakeProcess();
    const written: string[] = [];
    const out = processStdout(fake.proc, () => {}, pipe((data) => {
      const n = Math.min(3, data.length); // a pipe that takes three bytes at a time
      written.push(Buffer.from(data.subarray(0, n)).toString());
      return n;
    }));
    out.print('token\n');
    out.print('é!');
    await out.flush();
    expect(written.join('')).toBe('token\né!');
    expect(fake.created()).toBe(0);
  });

  it('hands the rest to the stream when the descriptor would block (EAGAIN), then keeps using it', async () => {
    const fake = fakeProcess();
    let calls = 0;
    const out = processStdout(fake.proc, () => {}, pipe(() => {
      calls++;
      if (calls === 1) return 4;
      throw errno('EAGAIN');
    }));
    out.print('abcdefgh');
    out.print('ij');
    await out.flush();
    expect(fake.received()).toBe('efghij');
    expect(calls).toBe(2); // once the stream exists, everything goes through it, in order
    expect(fake.created()).toBe(1);
  });

  it('reports a reader that went away (EPIPE) to onError and writes nothing more', () => {
    const fake = fakeProcess();
    const errors: string[] = [];
    const out = processStdout(fake.proc, (err) => errors.push(err.code ?? ''), pipe(() => {
      throw errno('EPIPE');
    }));
    out.print('x');
    expect(errors).toEqual(['EPIPE']);
    expect(fake.created()).toBe(0);
  });

  it('once a command asked for the stream, print goes through it too', async () => {
    const fake = fakeProcess();
    const out = processStdout(fake.proc, () => {}, pipe(() => {
      throw new Error('the descriptor must not be written once the stream exists');
    }));
    out.stream.write('head ');
    out.print('body');
    await out.flush();
    expect(fake.received()).toBe('head body');
  });

  it('gives a terminal the stream (it knows terminals), never the bare descriptor', async () => {
    const fake = fakeProcess();
    const out = processStdout(fake.proc, () => {}, {
      isPipeOrFile: () => false,
      write: () => {
        throw new Error('a terminal must not be written through the descriptor');
      },
    });
    out.print('✓ logged in\n');
    await out.flush();
    expect(fake.received()).toBe('✓ logged in\n');
  });

  it('attaches onError to the stream it creates', () => {
    const fake = fakeProcess();
    const errors: string[] = [];
    const out = processStdout(fake.proc, (err) => errors.push(err.code ?? ''), pipe(() => 0));
    void out.stream;
    fake.stream.emit('error', errno('EPIPE'));
    expect(errors).toEqual(['EPIPE']);
  });
});

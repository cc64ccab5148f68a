import type { Writable } from 'node:stream';

/** stdout with backpressure: `write` resolves once stdout can take more, rejects once it failed. */
export interface Sink {
  write(chunk: string | Uint8Array): Promise<void>;
}

export function sink(out: Writable): Sink {
  let failure: Error | undefined;
  const wake = new Set<() => void>();
  // Stays attached: an EPIPE reported after the last write must not become an uncaught error.
  out.on('error', (err: Error) => {
    failure ??= err;
    for (const w of wake) w();
  });
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (out.write(chunk)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          wake.delete(done);
          out.off('drain', done);
          resolve();
        };
        wake.add(done);
        out.once('drain', done);
      });
      if (failure) throw failure;
    },
  };
}

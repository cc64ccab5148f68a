import type { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/** Bodies larger than this get their spent chunks reclaimed as they stream (see chunkReclaimer). */
export const RECLAIM_AFTER_BYTES = 2 * 1024 * 1024;
/** …one young-generation collection per this many bytes copied. */
export const RECLAIM_EVERY_BYTES = 1024 * 1024;

/**
 * Keeps a large download's memory flat near the baseline. Every chunk of a fetch body is a fresh
 * ArrayBuffer (the socket's read buffer, then undici's copy of it), dead once written. V8
 * collects them only when ~64 MB of such external memory has piled up, so at loopback speed a
 * 1 GiB answer peaked near 145 MB (baseline ~68 MB) — flat, but twice what it needs. A
 * scavenge (young-generation GC, well under a millisecond) every MiB frees them as they die:
 * the same download peaks near 110 MB and runs no slower. Small answers never get here.
 * `--expose-gc` is enabled only then; if this Node refuses, streaming goes on without it.
 */
export function chunkReclaimer(): (bytes: number) => void {
  let copied = 0;
  let sinceLast = 0;
  let gc: ((options: { type: 'minor'; execution: 'sync' }) => void) | null | undefined;
  return (bytes) => {
    copied += bytes;
    sinceLast += bytes;
    if (copied < RECLAIM_AFTER_BYTES || sinceLast < RECLAIM_EVERY_BYTES || gc === null) return;
    sinceLast = 0;
    if (gc === undefined) {
      try {
        setFlagsFromString('--expose-gc');
        gc = runInNewContext('gc') as typeof gc;
        if (typeof gc !== 'function') gc = null;
      } catch {
        gc = null;
      }
    }
    gc?.({ type: 'minor', execution: 'sync' });
  };
}

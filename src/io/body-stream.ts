/**
 * Reading a response body that may be larger than memory: the first bytes up to a limit (to
 * pretty-print or hold a small answer), or everything, copied to a Sink chunk by chunk.
 */
import type { Sink } from './sink.js';

export type BodyReader = ReadableStreamDefaultReader<Uint8Array>;

/** How a read ends early: Ctrl+C, and what a failed read becomes (e.g. a TransportError naming the URL). */
export interface ReadGuard {
  signal: AbortSignal;
  mapError(err: unknown): unknown;
}

export interface ReadUpTo {
  /** The body ended within the limit. */
  complete: boolean;
  chunks: Uint8Array[];
  /** To go on reading (or cancel) when it did not. */
  reader: BodyReader;
}

/** Reads at most about `max` bytes (whole chunks); `complete` when the body ended within them. */
export async function readUpTo(body: ReadableStream<Uint8Array>, max: number, guard: ReadGuard): Promise<ReadUpTo> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= max) {
    const next = await readChunk(reader, guard);
    if (next.done) return { complete: true, chunks, reader };
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  return { complete: false, chunks, reader };
}

/** One chunk; cancels the body on Ctrl+C. */
export async function readChunk(reader: BodyReader, guard: ReadGuard): ReturnType<BodyReader['read']> {
  if (guard.signal.aborted) {
    await reader.cancel().catch(() => {});
    throw guard.signal.reason;
  }
  try {
    return await reader.read();
  } catch (err) {
    throw guard.mapError(err);
  }
}

/**
 * Copies the rest of the body to `out` one chunk at a time, waiting whenever the sink's buffer
 * is full (backpressure), so memory stays flat however large the answer. A reader that went away
 * (EPIPE, `| head`) ends the copy quietly, as other Unix tools do.
 */
export async function copyBody(reader: BodyReader, out: Sink, guard: ReadGuard): Promise<void> {
  try {
    for (;;) {
      const next = await readChunk(reader, guard);
      if (next.done) return;
      await out.write(next.value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw err;
  }
}

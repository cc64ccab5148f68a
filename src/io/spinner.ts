import type { Writable } from 'node:stream';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A one-line spinner on a terminal's stderr, shown only once `delayMs` has passed (quick things
 * never flicker). `stop()` clears the line. Only ever created when stderr is a TTY.
 */
export function startSpinner(out: Writable, label: () => string, delayMs = 1000): () => void {
  let frame = 0;
  let shown = false;
  const draw = () => {
    shown = true;
    out.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${label()}`);
  };
  let interval: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    draw();
    interval = setInterval(draw, 100);
    interval.unref();
  }, delayMs);
  start.unref();
  return () => {
    clearTimeout(start);
    if (interval) clearInterval(interval);
    if (shown) out.write('\r\x1b[K');
  };
}

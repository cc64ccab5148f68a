import type { BrowserOpener } from '../io/browser.js';

/**
 * What an interactive grant needs from the outside world, injected by the CLI: a way to tell the
 * user things (stderr), a browser (absent when the user wants none), the pasted redirect for a
 * manual login, Ctrl+C, and the clock's sleep.
 */
export interface Interaction {
  tell(message: string): void;
  /** A status line that replaces the previous one (a countdown); nothing when stderr is not a TTY. */
  progress(message: string): void;
  openBrowser?: BrowserOpener;
  /** Manual login: the address the browser was sent to, or the code (prompt or one stdin line). */
  readPastedRedirect(): Promise<string>;
  /** Aborted on Ctrl+C (reason: InterruptedError). */
  signal: AbortSignal;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** How long to wait for the browser, seconds. */
  waitSeconds: number;
  /** The user's own bound on every wait (`--timeout`), seconds, when given. */
  timeoutSeconds?: number;
}

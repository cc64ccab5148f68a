import { setTimeout as delay } from 'node:timers/promises';
import type { Interaction } from '../app/interaction.js';
import { UsageError } from '../errors.js';
import { commandOpener, systemOpener, type BrowserOpener } from '../io/browser.js';
import { readAll } from '../io/io.js';
import type { Session } from './session.js';

export interface InteractionFlags {
  browser?: boolean;
  browserCommand?: string;
}

const DEFAULT_WAIT_SECONDS = 300;

/**
 * The Interaction for interactive grants: messages on stderr, the browser from
 * `--browser-command` > OAUTHCTL_BROWSER > BROWSER > the system default (none with
 * `--no-browser`), the pasted redirect from a prompt or one line of piped stdin.
 */
export async function cliInteraction(session: Session, flags: InteractionFlags): Promise<Interaction> {
  let openBrowser: BrowserOpener | undefined;
  if (flags.browser !== false) {
    const command = flags.browserCommand ?? session.env.OAUTHCTL_BROWSER ?? session.env.BROWSER;
    openBrowser = command ? await commandOpener(command, session.env) : systemOpener;
  }
  return {
    tell: (message) => session.err(`${message}\n`),
    progress: (message) => {
      if (!session.io.stderrIsTTY) return;
      session.io.stderr.write('\r\x1b[K'); // our own control: back to the line's start, clear it
      session.err(session.theme.err.dim(message));
    },
    ...(openBrowser ? { openBrowser } : {}),
    readPastedRedirect: async () => {
      if (session.io.canPrompt) return session.prompter.input('Redirected address or code');
      const line = (await readAll(session.io.stdin)).split(/\r?\n/).find((l) => l.trim() !== '');
      if (!line) throw new UsageError('--manual: nothing was given on stdin', { hint: 'pipe the redirected address (or the code) in, or run on a terminal' });
      return line;
    },
    signal: session.signal,
    sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
    waitSeconds: session.timeoutSeconds ?? DEFAULT_WAIT_SECONDS,
    ...(session.timeoutSeconds !== undefined ? { timeoutSeconds: session.timeoutSeconds } : {}),
  };
}

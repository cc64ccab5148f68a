import { spawn } from 'node:child_process';
import { UsageError } from '../errors.js';
import { childEnv } from './child-env.js';

/** Opens a URL for the user. Failing to open is never fatal: callers print the URL anyway. */
export type BrowserOpener = (url: string) => Promise<void>;

/**
 * SPEC "Safety": a URL handed to a browser is the re-serialised URL (`new URL(u).href`: no
 * whitespace, controls or quotes a command line could split on) and only `http:`/`https:`.
 *
 * @throws Error (the opener fails, the caller prints the URL) for anything else.
 */
export function browserUrl(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new Error('refusing to open a URL that is not http(s)');
  }
  return parsed.href;
}

/**
 * `--browser-command`, `OAUTHCTL_BROWSER` or `BROWSER`: split into words as a shell would (quotes
 * honoured, no shell run), the URL appended as the last argument. The browser is not waited for
 * and does not inherit OAUTHCTL_CLIENT_SECRET or OAUTHCTL_PASSWORD.
 */
export async function commandOpener(command: string, env: Record<string, string | undefined>): Promise<BrowserOpener> {
  const { parse } = await import('shell-quote');
  const words = parse(command);
  if (words.length === 0 || words.some((w) => typeof w !== 'string')) {
    throw new UsageError(`cannot use browser command ${JSON.stringify(command)}`, {
      hint: 'give a program and its arguments; shell operators, globs and variables are not run',
    });
  }
  const [program, ...args] = words as string[];
  return async (url) => {
    const href = browserUrl(url);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(program as string, [...args, href], { detached: true, stdio: 'ignore', env: childEnv(env) });
      child.once('error', (err) => reject(new Error(`cannot start ${program}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  };
}

/**
 * The system's default browser, through the `open` package (loaded only when used). `open` passes
 * no environment of its own: the child inherits the process's, which `main` has already cleared of
 * the secret variables (`withholdSecretsFromChildren`).
 */
export const systemOpener: BrowserOpener = async (url) => {
  const href = browserUrl(url);
  const { default: open } = await import('open');
  const child = await open(href, { wait: false });
  // `open` resolves once it has spawned: its 'spawn' event is already past. Without a pid the
  // spawn failed (no xdg-open, …), and the 'error' event says why.
  if (child.pid === undefined) await new Promise<never>((_resolve, reject) => child.once('error', reject));
  child.unref();
};

import { spawn } from 'node:child_process';
import { UsageError } from '../errors.js';

/** Opens a URL for the user. Failing to open is never fatal: callers print the URL anyway. */
export type BrowserOpener = (url: string) => Promise<void>;

/**
 * `--browser-command`, `OAUTHCTL_BROWSER` or `BROWSER`: split into words as a shell would (quotes
 * honoured, no shell run), the URL appended as the last argument. The browser is not waited for.
 */
export async function commandOpener(command: string): Promise<BrowserOpener> {
  const { parse } = await import('shell-quote');
  const words = parse(command);
  if (words.length === 0 || words.some((w) => typeof w !== 'string')) {
    throw new UsageError(`cannot use browser command ${JSON.stringify(command)}`, {
      hint: 'give a program and its arguments; shell operators, globs and variables are not run',
    });
  }
  const [program, ...args] = words as string[];
  return (url) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(program as string, [...args, url], { detached: true, stdio: 'ignore' });
      child.once('error', (err) => reject(new Error(`cannot start ${program}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
}

/** The system's default browser, through the `open` package (loaded only when used). */
export const systemOpener: BrowserOpener = async (url) => {
  const { default: open } = await import('open');
  const child = await open(url, { wait: false });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', resolve);
  });
  child.unref();
};

import type { ChalkInstance } from 'chalk';

/**
 * One theme per run. With colours off (no TTY, NO_COLOR, --no-color: every script) it is a
 * plain pass-through and chalk is never loaded; with colours on, chalk is.
 */
export async function createTheme(color: boolean): Promise<ChalkInstance> {
  if (!color) return plain;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

const identity = (...text: unknown[]) => text.join(' ');
/**
 * Every chalk style, chained or not, returns its text unchanged. `then` is left undefined so the
 * theme is not mistaken for a promise when it is awaited.
 */
const plain: ChalkInstance = new Proxy(identity, { get: (_target, key) => (key === 'then' ? undefined : plain) }) as unknown as ChalkInstance;

import { describe, expect, it } from 'vitest';
import { createTheme } from '../../src/io/theme.js';

describe('createTheme', () => {
  it('without colours: an awaitable pass-through for any chain of styles', async () => {
    const t = await createTheme(false);
    expect(t.bold.red('x')).toBe('x');
    expect(t.dim(`a ${t.green('b')}`)).toBe('a b');
  });

  it('with colours: chalk escapes', async () => {
    const t = await createTheme(true);
    expect(t.green('ok')).toBe('\u001b[32mok\u001b[39m');
  });
});

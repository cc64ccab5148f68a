import { describe, expect, it } from 'vitest';
import { createThemes, plainTheme } from '../../src/io/theme.js';

describe('createThemes', () => {
  it('without colours: every style returns its text', async () => {
    const t = await createThemes({ stdout: false, stderr: false });
    expect(t.out).toBe(plainTheme);
    expect(t.err.bold(t.err.red('x'))).toBe('x');
    expect(t.out.dim(`a ${t.out.green('b')}`)).toBe('a b');
  });

  it('with colours: chalk escapes', async () => {
    const t = await createThemes({ stdout: true, stderr: true });
    expect(t.out.green('ok')).toBe('\u001b[32mok\u001b[39m');
    expect(t.err.yellow('!')).toBe('\u001b[33m!\u001b[39m');
  });

  it('decides each stream on its own: stdout to a file stays plain while stderr is coloured', async () => {
    const t = await createThemes({ stdout: false, stderr: true });
    expect(t.out.red('x')).toBe('x');
    expect(t.err.red('x')).toBe('\u001b[31mx\u001b[39m');
    const u = await createThemes({ stdout: true, stderr: false });
    expect(u.out.bold('x')).toBe('\u001b[1mx\u001b[22m');
    expect(u.err.bold('x')).toBe('x');
  });
});

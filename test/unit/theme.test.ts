import { describe, expect, it } from 'vitest';
import { forPerson } from '../../src/io/terminal.js';
import { createThemes, plainTheme } from '../../src/io/theme.js';

/** What the terminal boundary writes for a coloured stream. */
const onTTY = (text: string) => forPerson(text, () => true);

describe('createThemes', () => {
  it('without colours: every style returns its text', async () => {
    const t = await createThemes({ stdout: false, stderr: false });
    expect(t.out).toBe(plainTheme);
    expect(t.err.bold(t.err.red('x'))).toBe('x');
    expect(t.out.dim(`a ${t.out.green('b')}`)).toBe('a b');
  });

  it('with colours: chalk escapes, written by the terminal boundary only', async () => {
    const t = await createThemes({ stdout: true, stderr: true });
    expect(onTTY(t.out.green('ok'))).toBe('\u001b[32mok\u001b[39m');
    expect(onTTY(t.err.yellow('!'))).toBe('\u001b[33m!\u001b[39m');
    expect(t.out.green('ok')).not.toContain('\u001b');
    expect(forPerson(t.out.green('ok'), () => false)).toBe('ok');
  });

  it('with colours: escape sequences inside the styled text stay escaped', async () => {
    const t = await createThemes({ stdout: true, stderr: true });
    const hostile = 'RS256\u001b]52;c;ZXZpbA==\u0007\u001b[31m';
    expect(onTTY(t.err.red(hostile))).toBe('\u001b[31mRS256\\u001b]52;c;ZXZpbA==\\u0007\\u001b[31m\u001b[39m');
  });

  it('decides each stream on its own: stdout to a file stays plain while stderr is coloured', async () => {
    const t = await createThemes({ stdout: false, stderr: true });
    expect(t.out.red('x')).toBe('x');
    expect(onTTY(t.err.red('x'))).toBe('\u001b[31mx\u001b[39m');
    const u = await createThemes({ stdout: true, stderr: false });
    expect(onTTY(u.out.bold('x'))).toBe('\u001b[1mx\u001b[22m');
    expect(u.err.bold('x')).toBe('x');
  });
});

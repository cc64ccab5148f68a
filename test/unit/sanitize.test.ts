import { describe, expect, it } from 'vitest';
import { forPerson, styleMark } from '../../src/io/terminal.js';
import { escapeControls, oneLine, quoted } from '../../src/sanitize.js';

describe('escapeControls (the one sanitiser)', () => {
  it('escapes every C0 control, DEL and every C1 control as \\u00XX', () => {
    for (let code = 0; code <= 0x9f; code++) {
      const ch = String.fromCharCode(code);
      const control = code < 0x20 || code >= 0x7f;
      expect(escapeControls(ch)).toBe(control ? `\\u${code.toString(16).padStart(4, '0')}` : ch);
    }
    expect(escapeControls('é€😀 \u00a0')).toBe('é€😀 \u00a0');
  });

  it('keeps line feeds only when asked (our own lines)', () => {
    expect(escapeControls('a\nb\r\n', true)).toBe('a\nb\\u000d\n');
    expect(escapeControls('a\nb')).toBe('a\\u000ab');
  });

  it('oneLine and quoted: whitespace collapsed, controls escaped, capped', () => {
    expect(oneLine('a\n\t b\u001b[2J', 80)).toBe('a b\\u001b[2J');
    expect(oneLine('abcdef', 4)).toBe('abc…');
    expect(quoted('RS256\u001b]52;c;x\u0007\u009b"')).toBe('"RS256\\u001b]52;c;x\\u0007\\u009b\\""');
  });
});

describe('forPerson (the terminal boundary)', () => {
  it('turns only the theme marks into SGR, and escapes look-alikes', () => {
    const text = `${styleMark('1')}Header${styleMark('22')} \u001b[1mfake\u001b[22m`;
    expect(forPerson(text, () => true)).toBe('\u001b[1mHeader\u001b[22m \\u001b[1mfake\\u001b[22m');
    expect(forPerson(text, () => false)).toBe('Header \\u001b[1mfake\\u001b[22m');
  });

  it('a forged mark without the nonce is not a mark', () => {
    styleMark('0');
    const forged = '\uE000deadbeef31\uE001x';
    expect(forPerson(forged, () => true)).toBe(forged);
  });
});

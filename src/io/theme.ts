import { styleMark } from './terminal.js';

/** The few styles oauthctl uses. Each returns its text, styled or not. */
export interface Theme {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

/** One theme per stream: colour is decided for each from that stream (stdout to a file stays plain). */
export interface Themes {
  /** For what goes to stdout. */
  out: Theme;
  /** For what goes to stderr. */
  err: Theme;
}

const same = (text: string) => text;

/** Text unchanged: no terminal, NO_COLOR, --no-color (every script). */
export const plainTheme: Theme = { bold: same, dim: same, red: same, green: same, yellow: same };

/**
 * chalk is loaded only when one of the two streams gets colours. chalk chooses the styles; the
 * theme writes them as marks that only the terminal boundary (`io/terminal.ts`) turns into escape
 * sequences, so untrusted text can never bring its own.
 */
export async function createThemes(colour: { stdout: boolean; stderr: boolean }): Promise<Themes> {
  if (!colour.stdout && !colour.stderr) return { out: plainTheme, err: plainTheme };
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: 1 });
  const marked = (style: (text: string) => string) => {
    const [open = '', close = ''] = style('\u0000').split('\u0000');
    const [before, after] = [asMarks(open), asMarks(close)];
    return (text: string) => `${before}${text}${after}`;
  };
  const coloured: Theme = {
    bold: marked((t) => c.bold(t)),
    dim: marked((t) => c.dim(t)),
    red: marked((t) => c.red(t)),
    green: marked((t) => c.green(t)),
    yellow: marked((t) => c.yellow(t)),
  };
  return { out: colour.stdout ? coloured : plainTheme, err: colour.stderr ? coloured : plainTheme };
}

/** chalk's SGR sequences (`ESC [ 31 m`) as the boundary's marks. */
function asMarks(sgr: string): string {
  // eslint-disable-next-line no-control-regex
  return sgr.replace(/\u001b\[([0-9;]*)m/g, (_all, params: string) => styleMark(params));
}

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

/** chalk is loaded only when one of the two streams gets colours. */
export async function createThemes(colour: { stdout: boolean; stderr: boolean }): Promise<Themes> {
  if (!colour.stdout && !colour.stderr) return { out: plainTheme, err: plainTheme };
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: 1 });
  const coloured: Theme = {
    bold: (t) => c.bold(t),
    dim: (t) => c.dim(t),
    red: (t) => c.red(t),
    green: (t) => c.green(t),
    yellow: (t) => c.yellow(t),
  };
  return { out: colour.stdout ? coloured : plainTheme, err: colour.stderr ? coloured : plainTheme };
}

import { homedir } from 'node:os';
import { InterruptedError } from './errors.js';
import { withholdSecretsFromChildren } from './io/child-env.js';
import { processIO, processStdout } from './io/io.js';

declare const OAUTHCTL_VERSION: string | undefined;
const VERSION = typeof OAUTHCTL_VERSION === 'string' ? OAUTHCTL_VERSION : '0.0.0-dev';

/** The composition root: the real process, and the only process.exit. */
export async function main(): Promise<void> {
  // A reader that went away (`oauthctl … | head`) ends the program quietly, as Unix tools do.
  const stdout = processStdout(process, (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    stdout.print(`${VERSION}\n`); // the one answer that needs nothing loaded, not even the signal handlers
    return;
  }
  // Ctrl+C aborts the signal: a login closes its listener and ends with exit 130. A command that
  // does not watch the signal is ended shortly after, and a second Ctrl+C ends it at once.
  const interrupt = new AbortController();
  // `exec` takes the signals over while its child runs, to pass them on.
  let trapped: ((signal: NodeJS.Signals) => void) | undefined;
  const trapSignals = (handler: (signal: NodeJS.Signals) => void) => {
    trapped = handler;
    const pass = (signal: NodeJS.Signals) => trapped?.(signal);
    process.on('SIGTERM', pass);
    process.on('SIGHUP', pass);
    return () => {
      trapped = undefined;
      process.off('SIGTERM', pass);
      process.off('SIGHUP', pass);
    };
  };
  process.on('SIGINT', () => {
    if (trapped) return trapped('SIGINT');
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort(new InterruptedError());
    setTimeout(() => {
      process.stderr.write('oauthctl: interrupted\n');
      process.exit(130);
    }, 1000).unref();
  });
  // The run reads its own copy; children (the browser, `open`) get the environment without secrets.
  const env = { ...process.env };
  withholdSecretsFromChildren(process.env);
  const { runCli } = await import('./cli/run.js');
  const code = await runCli({
    argv,
    env,
    makeIO: (opts) => processIO(process, stdout, opts),
    platform: process.platform,
    homedir: homedir(),
    now: () => Date.now(),
    version: VERSION,
    signal: interrupt.signal,
    trapSignals,
  });
  await stdout.flush();
  process.exit(code);
}

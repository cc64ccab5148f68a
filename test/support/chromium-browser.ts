/**
 * A real browser as a browser command, for CLI integration tests: headless Chromium that signs in
 * and consents on the fixture's pages, then lets the redirect reach the CLI's loopback listener.
 *
 *   node --import file:///<repo>/node_modules/tsx/dist/loader.mjs <repo>/test/support/chromium-browser.ts <url>
 *
 * Tests get that command line (absolute paths, works from any cwd) from `chromiumBrowserCommand()`
 * in chromium.ts, for `--browser-command`, `OAUTHCTL_BROWSER` or `BROWSER`.
 *
 * The URL is the last argument. Environment:
 *   OAUTHCTL_TEST_USERNAME    default alice
 *   OAUTHCTL_TEST_PASSWORD    default the fixture password of that user (alice: wonderland)
 *   OAUTHCTL_TEST_CONSENT     allow (default) | deny   (device mode: deny presses abort)
 *   OAUTHCTL_TEST_DEVICE=1    the URL is a device `verification_uri_complete`: confirm, sign in,
 *                             consent, stop at the success page
 *   OAUTHCTL_TEST_BROWSER_LOG file to append a line per step and a final result line to
 *                             (origins and paths only, never a code)
 * Exit 0 once the loopback page (authorize) or the success / aborted page (device) has loaded,
 * 1 with a message on stderr otherwise. Never runs longer than 45 s.
 */
import { appendFileSync } from 'node:fs';

import { approveDevice, launchChromium, redact, signInAndConsent, type LaunchedChromium } from './chromium.js';

const DEADLINE_MS = 45_000;
const INTERACTION_TIMEOUT_MS = 30_000;
const started = Date.now();
const logFile = process.env['OAUTHCTL_TEST_BROWSER_LOG'] || undefined;

function log(line: string): void {
  if (!logFile) return;
  try {
    appendFileSync(logFile, `[chromium-browser ${process.pid} +${Date.now() - started}ms] ${line}\n`);
  } catch {
    // A log that cannot be written must not fail the login.
  }
}

let launched: LaunchedChromium | undefined;
let finishing: Promise<never> | undefined;

/** Closes Chromium (bounded, removes the profile), logs, exits. Later calls join the first. */
function finish(code: 0 | 1, message?: string): Promise<never> {
  finishing ??= (async (): Promise<never> => {
    if (message) {
      process.stderr.write(`chromium-browser: ${message}\n`);
      log(`FAILED: ${message}`);
    }
    await Promise.race([launched?.close(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]).catch(() => {});
    log(`exit ${code}`);
    process.exit(code);
  })();
  return finishing;
}

const deadline = setTimeout(() => {
  void finish(1, `gave up after ${DEADLINE_MS / 1000} s`);
  // If closing hangs, leave anyway.
  setTimeout(() => process.exit(1), 5_000).unref();
}, DEADLINE_MS);
deadline.unref();

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => void finish(1, `interrupted by ${signal}`));
}
// The CLI may have closed our stdout / stderr (or exited): a failed write must not skip cleanup.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
process.on('uncaughtException', (error) => void finish(1, `uncaught: ${error.message}`));
process.on('unhandledRejection', (reason) => void finish(1, `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`));

async function main(): Promise<void> {
  const url = process.argv.at(-1);
  if (!url || !/^https?:\/\//.test(url) || process.argv.length < 3) throw new Error('usage: chromium-browser.ts URL');
  const username = process.env['OAUTHCTL_TEST_USERNAME'] || 'alice';
  const password = process.env['OAUTHCTL_TEST_PASSWORD'] || undefined;
  const consentEnv = process.env['OAUTHCTL_TEST_CONSENT'] || 'allow';
  if (consentEnv !== 'allow' && consentEnv !== 'deny') throw new Error(`OAUTHCTL_TEST_CONSENT must be allow or deny, not ${consentEnv}`);
  const device = process.env['OAUTHCTL_TEST_DEVICE'] === '1';
  const opts = { username, password, consent: consentEnv, timeoutMs: INTERACTION_TIMEOUT_MS, log } as const;

  log(`start ${device ? 'device' : 'authorize'} ${redact(url)} as ${username}, consent ${consentEnv}`);
  launched = await launchChromium({ timeoutMs: 15_000 });
  log(`chromium up`);
  if (device) {
    const result = await approveDevice(launched.page, url, opts);
    log(`RESULT device ${result.outcome} at ${result.url} in ${result.elapsedMs}ms`);
  } else {
    const result = await signInAndConsent(launched.page, url, opts);
    log(`RESULT callback ${result.callback} status ${result.status} params ${result.params.join(',') || '-'} in ${result.elapsedMs}ms`);
  }
}

main().then(
  () => finish(0),
  // Playwright's messages carry a coloured multi-line call log: the first line says it.
  (error: unknown) => finish(1, (error instanceof Error ? error.message : String(error)).replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0] ?? 'failed'),
);

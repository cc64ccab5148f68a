/**
 * A real browser for integration tests: headless Debian Chromium (/usr/bin/chromium) driven by
 * playwright-core, with a fresh profile per launch. It plays the user on the fixture's pages
 * (test/fixtures/interactions.ts, test/fixtures/pages.ts): login `#username` / `#password` /
 * `#login`, consent `#allow` / `#deny`, device `#user_code` / `#continue`, `#confirm` / `#abort`,
 * `#success`.
 *
 * - `launchChromium()` → `{ browser, context, page, userDataDir, close }`; `close()` always ends
 *   Chromium and removes the profile directory.
 * - `signInAndConsent(page, authorizationUrl, opts)` → signs in, allows or denies, and resolves
 *   once the browser has been redirected to the client's loopback listener and that page loaded.
 * - `approveDevice(page, verificationUriComplete | { uri, userCode }, opts)` → confirms (or, with
 *   `consent: 'deny'`, aborts) a device authorization, signs in and consents.
 * - `chromiumBrowserCommand()` → the command line for `--browser-command` / `BROWSER` that runs
 *   chromium-browser.ts (this driver as a stand-alone "browser" process).
 *
 * Every wait is bounded (`timeoutMs`, default 20 s). Nothing here ever records an authorization
 * code: results carry the loopback URL's origin and path only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Absolute path of the stand-alone browser script. */
export const CHROMIUM_BROWSER_SCRIPT = fileURLToPath(new URL('./chromium-browser.ts', import.meta.url));
/** tsx's loader (handles ESM and CJS), by absolute URL so the command works from any cwd. */
const TSX_LOADER = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

const DEFAULT_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const UNKNOWN_PAGE_MS = 5_000;

export interface LaunchedChromium {
  /** The Chromium instance behind `context`. */
  browser: Browser;
  /** The one (persistent) context, on a fresh profile; more pages: `context.newPage()`. */
  context: BrowserContext;
  /** The tab Chromium opened at startup. */
  page: Page;
  /** The fresh profile directory; removed by `close()`. */
  userDataDir: string;
  /** Ends Chromium (bounded) and removes the profile. Safe to call more than once. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Bound for the launch itself. Default 20 s. */
  timeoutMs?: number;
}

function quoteWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line to pass as `--browser-command` (or `BROWSER` / `OAUTHCTL_BROWSER`): the CLI
 * appends the URL. Absolute paths, so it works from any working directory, e.g.
 * `/usr/bin/node --import file:///work/main/node_modules/tsx/dist/loader.mjs /work/main/test/support/chromium-browser.ts`.
 * Behaviour is set by the environment the CLI passes on: OAUTHCTL_TEST_USERNAME,
 * OAUTHCTL_TEST_PASSWORD, OAUTHCTL_TEST_CONSENT (allow | deny), OAUTHCTL_TEST_DEVICE=1,
 * OAUTHCTL_TEST_BROWSER_LOG.
 */
export function chromiumBrowserCommand(): string {
  return [process.execPath, '--import', TSX_LOADER, CHROMIUM_BROWSER_SCRIPT].map(quoteWord).join(' ');
}

/** The same command as an argv array (for spawn without a shell); the URL goes last. */
export function chromiumBrowserArgv(): [string, ...string[]] {
  return [process.execPath, '--import', TSX_LOADER, CHROMIUM_BROWSER_SCRIPT];
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedChromium> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { chromium } = await import('playwright-core');
  const userDataDir = await mkdtemp(join(tmpdir(), 'oauthctl-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: timeoutMs,
      // Signals are the caller's (Playwright's own SIGINT handler would exit before close() removes
      // the profile); Playwright still kills Chromium when this process exits.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    context.setDefaultTimeout(timeoutMs);
    context.setDefaultNavigationTimeout(timeoutMs);
    const browser = context.browser();
    if (!browser) throw new Error('Chromium launched without a browser object');
    const page = context.pages()[0] ?? (await context.newPage());
    const launched = context;
    let closing: Promise<void> | undefined;
    return {
      browser,
      context,
      page,
      userDataDir,
      close() {
        closing ??= (async () => {
          try {
            await withTimeout(launched.close(), 10_000, 'closing Chromium');
          } catch {
            await withTimeout(browser.close(), 5_000, 'closing Chromium').catch(() => {});
          } finally {
            await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    if (context) await withTimeout(context.close(), 10_000, 'closing Chromium').catch(() => {});
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    throw error;
  }
}

export interface SignInOptions {
  /** Default `alice`. */
  username?: string;
  /** Default: the fixture password of `username` (alice: wonderland, bob: builder). */
  password?: string;
  /** Press `#allow` (default) or `#deny` on the consent page; for a device, `deny` presses `#abort`. */
  consent?: 'allow' | 'deny';
  /** Bound for the whole interaction. Default 20 s. */
  timeoutMs?: number;
  /** Progress lines (never a code or a full callback URL). */
  log?: (line: string) => void;
}

export interface SignInResult {
  /** Origin and path of the loopback page the browser ended on (no query: it holds the code). */
  callback: string;
  /** HTTP status of that page. */
  status: number;
  /** Which of `code` / `error` the redirect carried (names only, never values). */
  params: string[];
  /** Milliseconds from `goto` to the loaded loopback page. */
  elapsedMs: number;
}

export interface DeviceResult {
  /** `success`: the provider's success page showed; `aborted`: the request was aborted (deny). */
  outcome: 'success' | 'aborted';
  /** Origin and path of the final page. */
  url: string;
  elapsedMs: number;
}

const DEFAULT_PASSWORDS: Record<string, string> = { alice: 'wonderland', bob: 'builder' };
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const KNOWN_IDS = ['success', 'username', 'password', 'allow', 'deny', 'confirm', 'abort', 'user_code', 'error'] as const;

/** `origin + pathname` only: authorization responses carry the code in the query. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? `${parsed.origin}${parsed.pathname}` : parsed.protocol;
  } catch {
    return '(unparsable URL)';
  }
}

function isLoopbackCallback(url: string, serverOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && parsed.origin !== serverOrigin && LOOPBACK_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}

interface Snapshot {
  /** The document carries the marker set before our last click (the click's navigation has not committed yet). */
  stale: boolean;
  ready: boolean;
  ids: Set<string>;
  errorText: string;
  title: string;
}

const MARK = '__oauthctlDriverStep';

/*
 * Page-side code as plain JavaScript source: a function passed to page.evaluate() would be
 * serialized after tsx / esbuild transformed it, and their helpers (`__name`) do not exist in the page.
 */
const SNAPSHOT_SCRIPT = `(() => {
  const ids = ${JSON.stringify(KNOWN_IDS)}.filter((id) => document.getElementById(id) !== null);
  const error = document.getElementById('error');
  return {
    stale: window[${JSON.stringify(MARK)}] === true,
    ready: document.readyState === 'complete',
    ids,
    errorText: ((error && error.textContent) || '').trim().slice(0, 300),
    title: String(document.title || '').slice(0, 100),
  };
})()`;
const MARK_SCRIPT = `window[${JSON.stringify(MARK)}] = true`;

async function snapshot(page: Page): Promise<Snapshot | undefined> {
  try {
    const raw = (await page.evaluate(SNAPSHOT_SCRIPT)) as Omit<Snapshot, 'ids'> & { ids: string[] };
    return { ...raw, ids: new Set(raw.ids) };
  } catch {
    // Navigation in progress: the execution context went away under us.
    return undefined;
  }
}

/** Marks the current document, then clicks: later snapshots of this same document read as stale. */
async function clickAway(page: Page, selector: string, timeoutMs: number): Promise<void> {
  await page.evaluate(MARK_SCRIPT);
  await page.click(selector, { timeout: timeoutMs });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface DriveOptions extends SignInOptions {
  mode: 'authorize' | 'device';
  userCode?: string;
}

type DriveEnd =
  | { kind: 'callback'; url: string; status: number }
  | { kind: 'success'; url: string }
  | { kind: 'aborted'; url: string };

/**
 * The user's side, as a small state machine polled every 50 ms: look at the current document,
 * act on the first page it recognises, repeat until the loopback redirect (authorize) or the
 * success / aborted page (device). Bounded by `timeoutMs`.
 */
async function drive(page: Page, startUrl: string, opts: DriveOptions): Promise<DriveEnd> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const log = opts.log ?? (() => {});
  const serverOrigin = new URL(startUrl).origin;
  const username = opts.username ?? 'alice';
  const password = opts.password ?? DEFAULT_PASSWORDS[username] ?? '';
  const consent = opts.consent ?? 'allow';

  // The loopback navigation's outcome, from the network side (covers error pages, refused connections).
  let callbackStatus: number | undefined;
  let callbackFailure: string | undefined;
  const onResponse = (response: import('playwright-core').Response): void => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && isLoopbackCallback(response.url(), serverOrigin)) {
      callbackStatus = response.status();
    }
  };
  const onRequestFailed = (request: import('playwright-core').Request): void => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && isLoopbackCallback(request.url(), serverOrigin)) {
      callbackFailure = `${redact(request.url())}: ${request.failure()?.errorText ?? 'request failed'}`;
    }
  };
  page.on('response', onResponse);
  page.on('requestfailed', onRequestFailed);

  let loginAttempts = 0;
  let typedUserCode = false;
  let aborted = false;
  let lastUrl = '';
  // Since when the current, loaded document has gone unrecognised (oidc-provider's auto-submitting
  // form is that for a moment; anything else for long is a page this driver does not know).
  let idleSince: number | undefined;
  let lastSnapUrl = '';
  try {
    log(`open ${redact(startUrl)}`);
    // `commit` only: the device link's page auto-submits itself, and the loop below waits anyway.
    await page.goto(startUrl, { waitUntil: 'commit', timeout: remaining() });

    while (Date.now() < deadline) {
      if (callbackFailure) throw new Error(`the redirect to the loopback listener failed: ${callbackFailure}`);
      const url = page.url();
      if (url !== lastUrl) {
        lastUrl = url;
        if (!url.startsWith('about:')) log(`at ${redact(url)}`);
      }
      const snap = await snapshot(page);
      if (!snap || snap.stale || !snap.ready || url !== lastSnapUrl) idleSince = undefined;
      lastSnapUrl = url;
      if (!snap || snap.stale) {
        await sleep(POLL_MS);
        continue;
      }

      if (opts.mode === 'authorize' && isLoopbackCallback(url, serverOrigin)) {
        if (!snap.ready) {
          await sleep(POLL_MS);
          continue;
        }
        return { kind: 'callback', url, status: callbackStatus ?? 0 };
      }
      if (!snap.ready) {
        await sleep(POLL_MS);
        continue;
      }
      if (new URL(url).origin !== serverOrigin && !url.startsWith('about:')) {
        throw new Error(`unexpected page ${redact(url)}`);
      }

      if (opts.mode === 'device' && aborted) return { kind: 'aborted', url };
      if (snap.ids.has('success')) {
        if (opts.mode === 'device') return { kind: 'success', url };
        throw new Error(`unexpected success page at ${redact(url)}`);
      }
      if (snap.ids.has('username') && snap.ids.has('password')) {
        if (loginAttempts > 0) throw new Error(`login rejected for ${username}: ${snap.errorText || 'no reason shown'}`);
        loginAttempts += 1;
        log(`sign in as ${username}`);
        await page.fill('#username', username, { timeout: remaining() });
        await page.fill('#password', password, { timeout: remaining() });
        await clickAway(page, '#login', remaining());
        continue;
      }
      if (snap.ids.has('allow') && snap.ids.has('deny')) {
        log(`consent: ${consent}`);
        await clickAway(page, consent === 'deny' ? '#deny' : '#allow', remaining());
        continue;
      }
      if (snap.ids.has('confirm') && snap.ids.has('abort')) {
        if (consent === 'deny') {
          log('device: abort');
          aborted = true;
          await clickAway(page, '#abort', remaining());
        } else {
          log('device: confirm');
          await clickAway(page, '#confirm', remaining());
        }
        continue;
      }
      if (snap.ids.has('error')) {
        throw new Error(`error page at ${redact(url)}: ${snap.errorText || '(no text)'}`);
      }
      if (snap.ids.has('user_code') && opts.userCode !== undefined && !typedUserCode) {
        typedUserCode = true;
        log('device: enter user code');
        await page.fill('#user_code', opts.userCode, { timeout: remaining() });
        await clickAway(page, '#continue', remaining());
        continue;
      }
      // Something in between (oidc-provider's auto-submitting form, a redirect in flight): wait.
      idleSince ??= Date.now();
      if (Date.now() - idleSince > UNKNOWN_PAGE_MS) {
        throw new Error(`stuck on an unknown page at ${redact(url)} (title ${JSON.stringify(snap.title)})`);
      }
      await sleep(POLL_MS);
      continue;
    }
    throw new Error(`gave up after ${timeoutMs} ms at ${redact(page.url())}`);
  } finally {
    page.off('response', onResponse);
    page.off('requestfailed', onRequestFailed);
  }
}

/**
 * Opens `authorizationUrl`, signs in when the login page shows, presses allow or deny, and resolves
 * once the browser has been redirected to a loopback URL (127.0.0.1 / localhost / [::1], another
 * origin than the server's) and that page has loaded. Rejects on an error page, a rejected login,
 * a failed loopback request, or after `timeoutMs`.
 */
export async function signInAndConsent(page: Page, authorizationUrl: string, opts: SignInOptions = {}): Promise<SignInResult> {
  const started = Date.now();
  const end = await drive(page, authorizationUrl, { ...opts, mode: 'authorize' });
  if (end.kind !== 'callback') throw new Error(`expected a loopback redirect, got ${end.kind} at ${redact(end.url)}`);
  const query = new URL(end.url).searchParams;
  return {
    callback: redact(end.url),
    status: end.status,
    params: ['code', 'error', 'state', 'iss'].filter((name) => query.has(name)),
    elapsedMs: Date.now() - started,
  };
}

/**
 * Device flow (RFC 8628), the user's side: opens `verification_uri_complete` (a string) or
 * `verification_uri` and types `userCode`, then confirms, signs in and consents — or, with
 * `consent: 'deny'`, presses abort on the confirmation page. Resolves on the success page
 * (`success`) or the page shown after aborting (`aborted`).
 */
export async function approveDevice(
  page: Page,
  verification: string | { uri: string; userCode: string },
  opts: SignInOptions = {},
): Promise<DeviceResult> {
  const started = Date.now();
  const startUrl = typeof verification === 'string' ? verification : verification.uri;
  const userCode = typeof verification === 'string' ? undefined : verification.userCode;
  const end = await drive(page, startUrl, { ...opts, mode: 'device', ...(userCode !== undefined ? { userCode } : {}) });
  if (end.kind === 'callback') throw new Error(`unexpected loopback redirect in the device flow: ${redact(end.url)}`);
  return { outcome: end.kind, url: redact(end.url), elapsedMs: Date.now() - started };
}

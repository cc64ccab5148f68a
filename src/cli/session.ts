import type { AppContext } from '../app/context.js';
import { loadConfig, type ConfigData } from '../config/config-file.js';
import { checkHome } from '../config/home.js';
import { resolveHome } from '../config/paths.js';
import { assertProfileName } from '../store/profile-name.js';
import { UsageError } from '../errors.js';
import type { StreamingHttpClient } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import { toJson } from '../json.js';
import type { IO } from '../io/io.js';
import { inquirerPrompter, type Prompter } from '../io/prompter.js';
import { createThemes, type Themes } from '../io/theme.js';
import type { KeychainStoreOptions } from '../store/keychain.js';
import { parseBackendChoice } from '../store/backend-choice.js';
import { openStore } from '../store/open.js';
import type { StoreChoice, TokenStore } from '../store/types.js';
import type { GlobalOptions } from './globals.js';
import { tokenSourceIO } from './token-source-io.js';

/** What main hands the CLI: the process's pieces, so tests can substitute each. */
export interface Runtime {
  argv: string[];
  env: Record<string, string | undefined>;
  makeIO: (opts: { color: boolean }) => IO;
  platform: NodeJS.Platform;
  homedir: string;
  now: () => number;
  version: string;
  /** Aborted on Ctrl+C (reason: InterruptedError). */
  signal: AbortSignal;
  /**
   * Until the returned function is called, SIGINT, SIGTERM and SIGHUP go to `handler` instead of
   * ending the program (`exec` passes them to its child). Absent: signals are not trapped.
   */
  trapSignals?(handler: (signal: NodeJS.Signals) => void): () => void;
}

/** Everything a command needs for one run, built from the global options. */
export interface Session {
  io: IO;
  env: Record<string, string | undefined>;
  json: boolean;
  verbose: boolean;
  /** Styles for stdout (`theme.out`) and for stderr (`theme.err`), each coloured only on its own TTY. */
  theme: Themes;
  home: string;
  app: AppContext;
  prompter: Prompter;
  /** Aborted on Ctrl+C. */
  signal: AbortSignal;
  /** `--timeout` when given. */
  timeoutSeconds?: number;
  /** See Runtime.trapSignals. */
  trapSignals(handler: (signal: NodeJS.Signals) => void): () => void;
  /** stdout: the answer, through the terminal boundary (controls escaped). */
  out(text: string): void;
  /** stderr: for the human, through the terminal boundary. */
  err(text: string): void;
  /** One JSON document on stdout; C1 controls and DEL escaped too (`\u009b`), any depth. */
  printJson(value: unknown): void;
  config(): Promise<ConfigData>;
  /** `-p` > OAUTHCTL_PROFILE > config.json's current > "default". */
  profileName(): Promise<string>;
  close(): Promise<void>;
}

const DEFAULT_HTTP_TIMEOUT = 30;

export async function createSession(globals: GlobalOptions, rt: Runtime): Promise<Session> {
  const io = rt.makeIO({ color: globals.color !== false });
  const theme = await createThemes({ stdout: io.stdoutColor, stderr: io.stderrColor });
  const errTheme = theme.err;
  const verbose = globals.verbose === true;
  const json = globals.output === 'json';
  const home = resolveHome(rt.env, rt.platform, rt.homedir);
  const redactor = new Redactor();
  const err = (text: string) => io.printErr(text);
  const warn = (message: string) => err(`${errTheme.yellow('warning:')} ${redactor.scrub(message)}\n`);
  const note = (message: string) => {
    if (verbose) err(`${errTheme.dim(`* ${redactor.scrub(message)}`)}\n`);
  };
  // The HTTP client (undici, TLS) loads on the first request: `decode`, `--help` never pay for it.
  let client: Promise<StreamingHttpClient> | undefined;
  const getClient = () =>
    (client ??= import('../http/client.js').then(({ createHttpClient }) =>
      createHttpClient({
        timeoutSeconds: globals.timeout ?? DEFAULT_HTTP_TIMEOUT,
        cacertPath: globals.cacert,
        insecure: globals.insecure === true,
        env: rt.env,
        redactor,
        trace: verbose ? (line) => err(`${errTheme.dim(line)}\n`) : undefined,
        userAgent: `oauthctl/${rt.version}`,
      }),
    ));
  // On a terminal, a request that takes more than a second shows a spinner (never under -v).
  const slow = async <T>(url: string, run: () => Promise<T>): Promise<T> => {
    if (!io.stderrIsTTY || verbose) return run();
    const { startSpinner } = await import('../io/spinner.js');
    const host = URL.canParse(url) ? new URL(url).host : url;
    const stop = startSpinner(io.stderr, () => `waiting for ${host}…`);
    try {
      return await run();
    } finally {
      stop();
    }
  };
  const http: StreamingHttpClient = {
    request: async (req) => slow(req.url, async () => (await getClient()).request(req)),
    stream: async (req) => slow(req.url, async () => (await getClient()).stream(req)),
    close: async () => {
      if (client) await (await client).close();
    },
  };
  if (globals.insecure) warn('--insecure: TLS certificates are not verified and plain http:// is allowed to any host');

  // The home's permissions are checked once, before the first file in it is read (SPEC "Safety").
  let homeChecked = false;
  const inHome = <T>(fn: () => Promise<T>): Promise<T> => {
    if (!homeChecked) {
      checkHome(home, { warn, platform: rt.platform });
      homeChecked = true;
    }
    return fn();
  };
  let config: Promise<ConfigData> | undefined;
  // config.json is read on first use: `decode` never needs it.
  const getConfig = () => (config ??= Promise.resolve().then(() => inHome(() => loadConfig(home))));
  let store: Promise<TokenStore> | undefined;
  const storeChoice = (globals.tokenStore ?? rt.env.OAUTHCTL_TOKEN_STORE ?? 'auto') as StoreChoice;
  if (!['auto', 'keychain', 'file', 'none'].includes(storeChoice)) {
    throw new UsageError(`OAUTHCTL_TOKEN_STORE must be auto, keychain, file or none, not '${storeChoice}'`);
  }

  const app: AppContext = {
    http,
    now: rt.now,
    insecure: globals.insecure === true,
    redactor,
    warn,
    note,
    withProfileLock: async (profile, fn) => {
      // `none` keeps nothing: no other process can have renewed the token, and a CI one-liner
      // writes nothing into the home (not even a lock file).
      if (storeChoice === 'none') return fn();
      const { profileLockPath, withLock } = await import('../store/lock.js');
      return withLock(profileLockPath(home, profile), fn);
    },
    store: () => (store ??= Promise.resolve().then(() => inHome(() => openStore({ choice: storeChoice, home, warn, note, keychain: keychainOptions(rt.env) })))),
    sources: tokenSourceIO({ env: rt.env, io, config: getConfig }),
  };

  return {
    io,
    env: rt.env,
    json,
    verbose,
    theme,
    home,
    app,
    prompter: inquirerPrompter(io),
    signal: rt.signal,
    trapSignals: (handler) => rt.trapSignals?.(handler) ?? (() => {}),
    ...(globals.timeout !== undefined ? { timeoutSeconds: globals.timeout } : {}),
    out: (text) => io.print(text),
    err,
    printJson: (value) => io.print(`${toJson(value, 2)}\n`),
    config: getConfig,
    async profileName() {
      const name = globals.profile ?? rt.env.OAUTHCTL_PROFILE ?? (await getConfig()).current ?? 'default';
      return assertProfileName(name);
    },
    close: () => http.close(),
  };
}

/**
 * OAUTHCTL_KEYCHAIN_TIMEOUT_MS: the keychain deadline (for slow machines and tests);
 * OAUTHCTL_KEYCHAIN_BACKEND: `keyring` or `keytar` pins one binding (tests run both).
 */
function keychainOptions(env: Record<string, string | undefined>): KeychainStoreOptions {
  const ms = Number(env.OAUTHCTL_KEYCHAIN_TIMEOUT_MS);
  const backend = parseBackendChoice(env.OAUTHCTL_KEYCHAIN_BACKEND);
  return { env, ...(Number.isFinite(ms) && ms > 0 ? { timeoutMs: ms } : {}), ...(backend ? { backend } : {}) };
}

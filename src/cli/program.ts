import { Command, Option } from 'commander';
import { PROFILE_FIELDS } from '../config/profile.js';
import { addGlobalOptions, collectGlobals, type GlobalOptions } from './globals.js';

/** What a command module receives from the parser: commander stops here. */
export interface CommandInput {
  args: string[];
  opts: Record<string, unknown>;
  globals: GlobalOptions;
}

export type CommandRunner = (load: () => Promise<{ run: CommandRun }>, input: CommandInput) => Promise<void>;
export type CommandRun = (input: CommandInput, session: import('./session.js').Session) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ oauthctl ${l}`).join('\n')}\n`;
}

/** The profile fields as flags (`--issuer`, `--token-url`, …), plus `--param` and `--no-discovery`. */
function addProfileFlags(cmd: Command): Command {
  for (const spec of PROFILE_FIELDS) cmd.addOption(new Option(spec.flag, spec.description));
  cmd.addOption(new Option('--param <key=value>', 'extra authorization request parameter (repeatable)').argParser(collect));
  cmd.addOption(new Option('--no-discovery', 'never request /.well-known/ metadata'));
  return cmd;
}

function addSecretFlags(cmd: Command): Command {
  cmd.addOption(new Option('--client-secret-stdin', 'read the client secret from stdin'));
  cmd.addOption(new Option('--client-secret <secret>', 'client secret (visible in process lists: prefer the two above)'));
  return cmd;
}

/**
 * The whole command surface, declared in one place. Each action imports its implementation
 * only when it runs, so `--help`, `--version` and `decode` load little.
 */
export function buildProgram(version: string, runCommand: CommandRunner, argv?: readonly string[]): Command {
  const invoked = argv ? invokedCommand(argv) : undefined;
  /** Options are declared only for the invoked command (all of them for `--help` or no argv). */
  const active = (parent: Command, name: string) => invoked === undefined || topLevelName(parent, name) === invoked;
  const program = new Command('oauthctl')
    .description('OAuth 2.0 / OpenID Connect from the command line: log in, keep tokens safe, inspect them, call APIs.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .addHelpCommand(false)
    .allowExcessArguments(false);
  addGlobalOptions(program, false);
  program.addHelpText(
    'after',
    examples(
      'login --issuer https://auth.example.com --client-id cli',
      'login --grant client_credentials --token-url https://auth.example.com/token --client-id ci --client-secret-stdin',
      'token',
      'decode eyJhbGciOi...',
    ) +
      `\nEach command has its own --help. Exit codes: 0 ok, 2 usage, 3 OAuth error, 4 network/protocol,\n` +
      `5 login required, 6 API error, 7 invalid token, 130 interrupted.\n`,
  );

  const leaf = (
    parent: Command,
    nameAndArgs: string,
    description: string,
    load: () => Promise<{ run: CommandRun }>,
    opts: { isDefault?: boolean } = {},
  ) => {
    const cmd = parent.command(nameAndArgs, opts).description(description).allowExcessArguments(false);
    if (!active(parent, nameAndArgs.split(' ')[0] as string)) return inert(cmd);
    addGlobalOptions(cmd, true);
    cmd.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      await runCommand(load, { args: self.args, opts: self.opts(), globals: collectGlobals(self) });
    });
    return cmd;
  };

  addSecretFlags(
    addProfileFlags(
      leaf(program, 'login', 'obtain tokens and store them', () => import('./commands/login.js')),
    ),
  )
    .addOption(new Option('--port <port>', 'loopback listener port (default: the redirect URI\'s, else any free one)'))
    .addOption(new Option('--no-browser', 'do not open a browser; print the URL (stderr)'))
    .addOption(new Option('--browser-command <command>', 'open the URL with this command (URL as last argument)'))
    .addOption(new Option('--manual', 'no listener, no browser: paste the redirected address (SSH, containers)'))
    .addOption(new Option('--username <name>', 'password grant: the user name'))
    .addOption(new Option('--password-stdin', 'password grant: read the password from stdin'))
    .addHelpText(
    'after',
    examples(
      'login --issuer https://auth.example.com --client-id cli --scope "openid profile offline_access"',
      'login --grant device_code --issuer https://auth.example.com --client-id tv',
      'login --manual -p remote',
      'login --grant client_credentials --issuer https://auth.example.com --client-id ci --client-secret-stdin < secret.txt',
      'login -o json --token-store none --grant client_credentials --token-url https://auth.example.com/token --client-id ci',
    ),
  );

  const token = program
    .command('token')
    .description('print, show, refresh or revoke the stored access token')
    .addHelpText('after', examples('token', 'token show -o json', 'token refresh', 'token revoke -p staging'));
  addGlobalOptions(token, true);
  addSecretFlags(
    addProfileFlags(
      leaf(token, 'print', 'print a valid access token and nothing else (the default)', () => import('./commands/token-print.js'), {
        isDefault: true,
      }).option(
        '--min-ttl <seconds>',
        'renew when fewer seconds than this remain',
      ),
    ),
  ).addHelpText('after', examples('token', 'token --min-ttl 300', 'token -p ci --token-store none --grant client_credentials'));
  addSecretFlags(
    addProfileFlags(leaf(token, 'refresh', 'force a refresh_token grant and store the result', () => import('./commands/token-refresh.js'))),
  ).addHelpText('after', examples('token refresh', 'token refresh -o json', 'token refresh -p staging -v'));
  addSecretFlags(
    addProfileFlags(leaf(token, 'revoke', 'revoke the refresh and access tokens at the server (RFC 7009), then forget them', () => import('./commands/token-revoke.js'))),
  ).addHelpText('after', examples('token revoke', 'token revoke -p ci'));
  leaf(token, 'show', 'show the stored token set (secrets only with --reveal)', () => import('./commands/token-show.js'))
    .option('--reveal', 'include the tokens themselves')
    .addHelpText('after', examples('token show', 'token show -o json', 'token show --reveal -p ci'));

  addSecretFlags(
    addProfileFlags(leaf(program, 'logout', 'revoke the stored tokens where the server allows it, and forget them', () => import('./commands/logout.js'))),
  ).addHelpText('after', examples('logout', 'logout -p staging'));

  addSecretFlags(
    addProfileFlags(
      leaf(program, 'introspect [token]', 'ask the server about a token (RFC 7662; default: the stored access token; "-" reads stdin)', () =>
        import('./commands/introspect.js'),
      ),
    ),
  ).addHelpText('after', examples('introspect', 'introspect -o json', 'introspect "$TOKEN" --introspect-url https://auth.example.com/introspect'));

  addSecretFlags(
    addProfileFlags(leaf(program, 'userinfo', 'the OpenID Connect UserInfo of the stored token', () => import('./commands/userinfo.js'))),
  ).addHelpText('after', examples('userinfo', 'userinfo -o json -p staging'));

  addSecretFlags(
    addProfileFlags(
      leaf(program, 'call <method> <url>', 'call an API with the Bearer token (URL or /path under the profile\'s base URL)', () =>
        import('./commands/call.js'),
      ),
    ),
  )
    .addOption(new Option('-H, --header <header>', "extra request header 'Name: value' (repeatable)").argParser(collect))
    .addOption(new Option('-d, --data <data>', 'request body: DATA, @FILE, or @- for stdin'))
    .addOption(new Option('--json <data>', 'JSON request body (sets Content-Type and Accept)'))
    .addOption(new Option('--bearer-in <where>', 'where the token goes (RFC 6750)').choices(['header', 'query', 'form']))
    .addOption(new Option('-i, --include', 'print the status line and headers first'))
    .addOption(new Option('--min-ttl <seconds>', 'renew the token first if fewer seconds than this remain'))
    .addHelpText(
      'after',
      examples('call GET /people', `call POST /people --json '{"name":"Ada"}'`, 'call GET https://api.example.com/v1/me -i', 'call PUT /people/1 -d @person.json -H "Content-Type: application/json"'),
    );

  addProfileFlags(
    leaf(program, 'verify [jwt]', 'verify a JWT\'s signature and claims (exit 7 when not valid; "-" reads stdin)', () => import('./commands/verify.js')),
  )
    .addOption(new Option('--key <file>', 'public key: PEM (key or certificate), JWK or JWKS file'))
    .addOption(new Option('--secret-stdin', 'HMAC secret from stdin (HS256/384/512)'))
    .addOption(new Option('--clock-skew <seconds>', 'tolerance for exp and nbf (default 60)'))
    .addOption(new Option('--alg <algs>', 'accepted algorithms, comma-separated or repeated (default: asymmetric only)').argParser(collect))
    .addHelpText(
      'after',
      examples(
        'verify "$JWT" --jwks-uri https://auth.example.com/jwks --audience api',
        'token | oauthctl verify - --issuer https://auth.example.com',
        'verify "$JWT" --key public.pem --alg ES256',
        'verify "$JWT" --secret-stdin < hmac.key',
      ),
    );

  leaf(program, 'decode [jwt]', 'show a JWT\'s header, claims and signature without verifying it ("-" reads stdin)', () =>
    import('./commands/decode.js'),
  ).addHelpText('after', examples('decode eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln', 'token | oauthctl decode -', 'decode -o json "$(oauthctl token)"'));

  leaf(program, 'discover [issuer]', 'print the authorization server\'s metadata', () => import('./commands/discover.js'))
    .addHelpText('after', examples('discover https://accounts.google.com', 'discover -o json', 'discover -p staging'));

  leaf(program, 'completion <shell>', 'print a shell completion script (bash, zsh or fish)', () => import('./commands/completion.js')).addHelpText(
    'after',
    examples('completion bash > /etc/bash_completion.d/oauthctl', 'completion zsh > "${fpath[1]}/_oauthctl"', 'completion fish > ~/.config/fish/completions/oauthctl.fish'),
  );

  const profile = program
    .command('profile')
    .description('manage profiles (saved settings; secrets go to the token store)')
    .addHelpText('after', examples('profile add dev --issuer https://auth.example.com --client-id cli', 'profile list', 'profile use dev'));
  addGlobalOptions(profile, true);
  addSecretFlags(
    addProfileFlags(leaf(profile, 'add <name>', 'save a profile (asks for what is missing on a terminal)', () => import('./commands/profile-add.js'))),
  ).addHelpText(
    'after',
    examples(
      'profile add dev --issuer https://auth.example.com --client-id cli',
      'profile add ci --grant client_credentials --token-url https://auth.example.com/token --client-id ci --client-secret-stdin',
    ),
  );
  leaf(profile, 'list', 'list profiles (* marks the current one)', () => import('./commands/profile-list.js'))
    .addOption(new Option('--names', 'only the names, one per line (for scripts and shell completion)'))
    .addHelpText(
    'after',
    examples('profile list', 'profile list -o json'),
  );
  leaf(profile, 'show [name]', 'show a profile (default: the current one)', () => import('./commands/profile-show.js')).addHelpText(
    'after',
    examples('profile show', 'profile show dev -o json'),
  );
  leaf(profile, 'remove <name>', 'remove a profile and its stored tokens and secret', () => import('./commands/profile-remove.js')).addHelpText(
    'after',
    examples('profile remove old', 'profile remove old -o json'),
  );
  leaf(profile, 'use <name>', 'make a profile the current one', () => import('./commands/profile-use.js')).addHelpText(
    'after',
    examples('profile use dev', 'profile use prod && oauthctl token'),
  );

  return program;
}

/** Global options that take a value: their value is not the command name. */
const VALUE_OPTIONS = new Set(['-p', '--profile', '-o', '--output', '--token-store', '--cacert', '--timeout']);

/** The command named on the command line (the first word that is not an option or its value). */
export function invokedCommand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return undefined;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

function topLevelName(parent: Command, name: string): string {
  let top = name;
  for (let c: Command | null = parent; c?.parent; c = c.parent) top = c.name();
  return top;
}

/**
 * A command that is not the one being run: registered by name and description (for the command
 * list, help and "did you mean"), while declaring its options is skipped — fewer objects to build
 * on every start.
 */
function inert(cmd: Command): Command {
  const proxy: Command = new Proxy(cmd, {
    get(target, key, receiver) {
      if (key === 'addOption' || key === 'option' || key === 'addHelpText') return () => proxy;
      return Reflect.get(target, key, receiver);
    },
  });
  return proxy;
}

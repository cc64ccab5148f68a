/**
 * The whole command surface as data, in one place: every command's words, arguments, options,
 * help examples, and how to load it. Read by the start-up fast path (src/cli/fast-path.ts) and by
 * commander (src/cli/program.ts); neither loads the other's machinery for it.
 *
 * A new command is one entry here (its options declared once) plus its module in commands/,
 * which exports `command = defineCommand(parseXOptions, run)`. A command marked `fast` skips
 * commander when its command line is plain. Command modules load when they run, fast ones too:
 * one more small file to read costs less than compiling every fast command on every start. The
 * exceptions are `token` (print), the line scripts run most, and `token proof` (a few KB; its
 * signer loads when it signs): imported statically below, so that they read no further file.
 */
import { PROFILE_FIELDS } from '../config/profile.js';
import type { CommandModule } from './command.js';
import * as tokenPrint from './commands/token-print.js';
import * as tokenProof from './commands/token-proof.js';
import type { OptionSpec } from './option-spec.js';

export interface CommandSpec {
  /** The words that select it: `['token', 'print']`. */
  path: readonly string[];
  /** Its positional arguments in commander's syntax: `[jwt]`, `<method> <url>`. */
  args?: string;
  summary: string;
  options: readonly OptionSpec[];
  /** Help examples, without the leading `oauthctl `. */
  examples: readonly string[];
  /** Runs when its group is named alone (`oauthctl token` → `token print`). */
  isDefault?: boolean;
  /** The fast path may run it (see the file's comment). */
  fast?: boolean;
  /** `--` ends its options and the words after it are its arguments as they are (`exec -- CMD ARG…`). */
  passThrough?: boolean;
  load(): Promise<CommandModule>;
}

export interface GroupSpec {
  path: readonly string[];
  summary: string;
  examples: readonly string[];
  commands: readonly CommandSpec[];
}

export type SurfaceEntry = CommandSpec | GroupSpec;

export function isGroup(entry: SurfaceEntry): entry is GroupSpec {
  return 'commands' in entry;
}

/** The profile fields as flags (`--issuer`, `--token-url`, …), plus `--param` and `--no-discovery` (SPEC "Profiles"). */
export const PROFILE_OPTIONS: readonly OptionSpec[] = [
  ...PROFILE_FIELDS.map((f) => ({ flags: f.flag, description: f.description, ...(f.repeatable ? { repeatable: true } : {}) })),
  { flags: '--param <key=value>', description: 'extra authorization request parameter (repeatable)', repeatable: true },
  { flags: '--assertion-claim <key=value>', description: 'jwt_bearer self-signed assertion: extra claim (repeatable)', repeatable: true },
  { flags: '--no-discovery', description: 'never request /.well-known/ metadata' },
  { flags: '--dpop', description: 'DPoP-bound tokens (RFC 9449): a key pair kept with the tokens, a proof on every request' },
  { flags: '--authorization-details <json>', description: 'RAR (RFC 9396): a JSON array of authorization details, or @FILE' },
  { flags: '--par', description: 'push the authorization request first (RFC 9126); automatic when the server requires it' },
  { flags: '--request-object', description: 'send the authorization request as a signed JWT (RFC 9101), with --private-key or the secret (HS256)' },
];

export const SECRET_OPTIONS: readonly OptionSpec[] = [
  { flags: '--client-secret-stdin', description: 'read the client secret from stdin' },
  { flags: '--client-secret <secret>', description: 'client secret (visible in process lists: prefer the two above)' },
];

/** Profile flags and the client secret: every command that talks to the authorization server. */
const SERVER_OPTIONS: readonly OptionSpec[] = [...PROFILE_OPTIONS, ...SECRET_OPTIONS];

/**
 * On `token`, `call` and `exec`, `--scope`, `--audience` and `--resource` ask for a narrower token
 * for exactly those values (repeatable), instead of changing the profile's settings (SPEC "Using
 * tokens elsewhere").
 */
const NARROWING_OPTIONS: readonly OptionSpec[] = [
  { flags: '--scope <scope>', description: "a token for exactly these scopes (repeatable; cached beside the profile's)", repeatable: true },
  { flags: '--audience <aud>', description: 'a token for this audience (repeatable)', repeatable: true },
  { flags: '--resource <uri>', description: 'a token for this resource indicator, RFC 8707 (repeatable)', repeatable: true },
];
const NARROWING_FLAGS = new Set(NARROWING_OPTIONS.map((o) => o.flags.split(' ')[0]));
const NARROWED_SERVER_OPTIONS: readonly OptionSpec[] = [
  ...SERVER_OPTIONS.filter((o) => !NARROWING_FLAGS.has(o.flags.split(' ')[0])),
  ...NARROWING_OPTIONS,
];

const MTLS_FLAGS = new Set(['--cert', '--key']);
const ISSUER_OPTION = PROFILE_OPTIONS.find((o) => o.flags.startsWith('--issuer ')) as OptionSpec;
const profileOption = (flag: string) => PROFILE_OPTIONS.find((o) => o.flags.startsWith(`${flag} `)) as OptionSpec;

/** The flags of a registration (RFC 7591) besides the metadata fields profile flags already name. */
const REGISTRATION_OPTIONS: readonly OptionSpec[] = [
  { flags: '--registration-url <url>', description: "registration endpoint (default: from the issuer's metadata)" },
  { flags: '--client-name <name>', description: 'client_name to register' },
  { flags: '--metadata <json>', description: 'more client metadata: JSON or @FILE (merged last)' },
  { flags: '--initial-access-token <src>', description: 'initial access token: the token, -, @FILE or env:NAME' },
  { flags: '--reveal', description: 'print the client secret and registration access token too' },
];

/** `--from-resource URL` (RFC 9728) and `--register` (RFC 7591 when no client id is known). */
const FROM_RESOURCE_OPTIONS: readonly OptionSpec[] = [
  { flags: '--from-resource <url>', description: "take the issuer, resource and base URL from this API's protected resource metadata (RFC 9728)" },
  { flags: '--register', description: 'register a client (RFC 7591) when no client id is known' },
  ...REGISTRATION_OPTIONS.filter((o) => !o.flags.startsWith('--reveal')),
];

export const SURFACE: readonly SurfaceEntry[] = [
  {
    path: ['login'],
    summary: 'obtain tokens and store them',
    options: [
      ...SERVER_OPTIONS,
      { flags: '--port <port>', description: "loopback listener port (default: the redirect URI's, else any free one)" },
      { flags: '--no-browser', description: 'do not open a browser; print the URL (stderr)' },
      { flags: '--browser-command <command>', description: 'open the URL with this command (URL as last argument)' },
      { flags: '--manual', description: 'no listener, no browser: paste the redirected address (SSH, containers)' },
      { flags: '--username <name>', description: 'password grant: the user name' },
      { flags: '--password-stdin', description: 'password grant: read the password from stdin' },
      ...FROM_RESOURCE_OPTIONS,
    ],
    examples: [
      'login --issuer https://auth.example.com --client-id cli --scope "openid profile offline_access"',
      'login -p mcp --from-resource https://api.example.com/mcp --register',
      'login --grant device_code --issuer https://auth.example.com --client-id tv',
      'login --manual -p remote',
      'login --grant client_credentials --issuer https://auth.example.com --client-id ci --client-secret-stdin < secret.txt',
      'login -o json --token-store none --grant client_credentials --token-url https://auth.example.com/token --client-id ci',
    ],
    load: () => import('./commands/login.js'),
  },
  {
    path: ['token'],
    summary: 'print, show, refresh or revoke the stored access token',
    examples: ['token', 'token show -o json', 'token refresh', 'token revoke -p staging', 'token proof GET https://api.example.com/people'],
    commands: [
      {
        path: ['token', 'print'],
        summary: 'print a valid access token and nothing else (the default)',
        isDefault: true,
        fast: true,
        options: [
          ...NARROWED_SERVER_OPTIONS,
          { flags: '--min-ttl <seconds>', description: 'renew when fewer seconds than this remain' },
          { flags: '--format <format>', description: 'raw (default), header, json, env or exec-credential' },
          { flags: '--id-token', description: 'the ID token instead of the access token' },
        ],
        examples: [
          'token',
          'token --min-ttl 300',
          'token -p ci --token-store none --grant client_credentials',
          'token --format header | curl -H @- https://api.example.com/people',
          'token --format env >> "$GITHUB_ENV"',
          'token --scope people:read --resource https://api.example.com',
        ],
        load: async () => tokenPrint,
      },
      {
        path: ['token', 'refresh'],
        summary: 'force a refresh_token grant and store the result',
        options: SERVER_OPTIONS,
        examples: ['token refresh', 'token refresh -o json', 'token refresh -p staging -v'],
        load: () => import('./commands/token-refresh.js'),
      },
      {
        path: ['token', 'revoke'],
        summary: 'revoke the refresh and access tokens at the server (RFC 7009), then forget them',
        options: SERVER_OPTIONS,
        examples: ['token revoke', 'token revoke -p ci'],
        load: () => import('./commands/token-revoke.js'),
      },
      {
        path: ['token', 'show'],
        summary: 'show the stored token set (secrets only with --reveal)',
        options: [{ flags: '--reveal', description: 'include the tokens themselves' }],
        examples: ['token show', 'token show -o json', 'token show --reveal -p ci'],
        load: () => import('./commands/token-show.js'),
      },
      {
        path: ['token', 'proof'],
        args: '<method> <url>',
        summary: 'print a DPoP proof (RFC 9449) for one request, bound to the stored DPoP token',
        fast: true,
        options: [
          ...SERVER_OPTIONS,
          { flags: '--nonce <nonce>', description: "the API's DPoP-Nonce, when it asked for one" },
          { flags: '--min-ttl <seconds>', description: 'renew the token first if fewer seconds than this remain' },
        ],
        examples: [
          'token proof GET https://api.example.com/people',
          'token proof POST /orders --nonce "$NONCE"',
        ],
        load: async () => tokenProof,
      },
    ],
  },
  {
    path: ['logout'],
    summary: 'revoke the stored tokens where the server allows it, and forget them',
    options: SERVER_OPTIONS,
    examples: ['logout', 'logout -p staging'],
    load: () => import('./commands/logout.js'),
  },
  {
    path: ['introspect'],
    args: '[token]',
    summary: 'ask the server about a token (RFC 7662; default: the stored access token; "-" reads stdin)',
    options: SERVER_OPTIONS,
    examples: ['introspect', 'introspect -o json', 'introspect "$TOKEN" --introspect-url https://auth.example.com/introspect'],
    load: () => import('./commands/introspect.js'),
  },
  {
    path: ['userinfo'],
    summary: 'the OpenID Connect UserInfo of the stored token',
    options: SERVER_OPTIONS,
    examples: ['userinfo', 'userinfo -o json -p staging'],
    load: () => import('./commands/userinfo.js'),
  },
  {
    path: ['call'],
    args: '<method> <url>',
    summary: "call an API with the Bearer token (URL or /path under the profile's base URL)",
    options: [
      ...NARROWED_SERVER_OPTIONS,
      { flags: '-H, --header <header>', description: "extra request header 'Name: value' (repeatable)", repeatable: true },
      { flags: '-d, --data <data>', description: 'request body: DATA, @FILE, or @- for stdin' },
      { flags: '--json <data>', description: 'JSON request body (sets Content-Type and Accept)' },
      { flags: '--bearer-in <where>', description: 'where the token goes (RFC 6750)', choices: ['header', 'query', 'form'] },
      { flags: '-i, --include', description: 'print the status line and headers first' },
      { flags: '--any-origin', description: "allow sending the token to an origin other than the API base URL's" },
      { flags: '--min-ttl <seconds>', description: 'renew the token first if fewer seconds than this remain' },
    ],
    examples: [
      'call GET /people',
      `call POST /people --json '{"name":"Ada"}'`,
      'call GET https://api.example.com/v1/me -i',
      'call PUT /people/1 -d @person.json -H "Content-Type: application/json"',
    ],
    load: () => import('./commands/call.js'),
  },
  {
    path: ['exec'],
    args: '[command...]',
    summary: 'run a command with a valid access token in its environment (never in its arguments)',
    fast: true,
    passThrough: true,
    options: [
      ...NARROWED_SERVER_OPTIONS,
      { flags: '--env <name>', description: 'the variable that holds the token (default OAUTHCTL_ACCESS_TOKEN)' },
      { flags: '--min-ttl <seconds>', description: 'renew the token first if fewer seconds than this remain' },
    ],
    examples: [
      `exec -- sh -c 'curl -H "Authorization: Bearer $OAUTHCTL_ACCESS_TOKEN" https://api.example.com/people'`,
      'exec --env GITHUB_TOKEN -- gh api /user',
      'exec --scope people:read -- ./sync.sh',
    ],
    load: () => import('./commands/exec.js'),
  },
  {
    path: ['git-credential'],
    args: '<action>',
    summary: 'a git credential helper: get, store or erase; see gitcredentials(7)',
    fast: true,
    options: [...SERVER_OPTIONS, { flags: '--username <name>', description: 'the user name git is given (default oauth2)' }],
    examples: [
      `git-credential get -p work   # as git runs it, after: git config credential.https://git.example.com.helper '!oauthctl git-credential -p work'`,
      'git-credential get --username x-access-token -p github',
    ],
    load: () => import('./commands/git-credential.js'),
  },
  {
    path: ['status'],
    summary: 'whether the profile (--all: every profile) can produce a token without you',
    fast: true,
    options: [
      ...SERVER_OPTIONS,
      { flags: '--all', description: 'every saved profile' },
      { flags: '--check', description: 'ask the server whether the token is still active (introspection, else userinfo)' },
    ],
    examples: ['status', 'status --all', 'status --check -o json'],
    load: () => import('./commands/status.js'),
  },
  {
    path: ['verify'],
    args: '[jwt]',
    summary: 'verify a JWT\'s signature and claims (exit 7 when not valid; "-" reads stdin)',
    options: [
      // Its `--key` is the verification key, not a TLS client key: no mutual TLS flags here.
      ...PROFILE_OPTIONS.filter((o) => !MTLS_FLAGS.has(o.flags.split(' ')[0] as string)),
      { flags: '--key <file>', description: 'public key: PEM (key or certificate), JWK or JWKS file' },
      { flags: '--secret-stdin', description: 'HMAC secret from stdin (HS256/384/512)' },
      { flags: '--clock-skew <seconds>', description: 'tolerance for exp and nbf (default 60)' },
      { flags: '--alg <algs>', description: 'accepted algorithms, comma-separated or repeated (default: asymmetric only)', repeatable: true },
    ],
    examples: [
      'verify "$JWT" --jwks-uri https://auth.example.com/jwks --audience api',
      'token | oauthctl verify - --issuer https://auth.example.com',
      'verify "$JWT" --key public.pem --alg ES256',
      'verify "$JWT" --secret-stdin < hmac.key',
    ],
    load: () => import('./commands/verify.js'),
  },
  {
    path: ['decode'],
    args: '[jwt]',
    summary: 'show a JWT\'s header, claims and signature without verifying it ("-" reads stdin)',
    fast: true,
    options: [],
    examples: ['decode eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln', 'token | oauthctl decode -', 'decode -o json "$(oauthctl token)"'],
    load: () => import('./commands/decode.js'),
  },
  {
    path: ['discover'],
    args: '[issuer]',
    summary: "print the authorization server's metadata (or, with --resource, a protected resource's)",
    options: [ISSUER_OPTION, { flags: '--resource <url>', description: 'print the protected resource metadata of this API URL instead (RFC 9728)' }],
    examples: [
      'discover https://accounts.google.com',
      'discover --issuer https://auth.example.com -o json',
      'discover -p staging',
      'discover --resource https://api.example.com/mcp',
    ],
    load: () => import('./commands/discover.js'),
  },
  {
    path: ['register'],
    summary: 'register a new client at the server (RFC 7591) and save it as profile -p NAME',
    options: [
      ISSUER_OPTION,
      profileOption('--resource'),
      profileOption('--base-url'),
      { flags: '--no-discovery', description: 'never request /.well-known/ metadata' },
      { flags: '--redirect-uri <uri>', description: 'redirect URI to register (repeatable; default http://127.0.0.1/callback)', repeatable: true },
      { flags: '--grant <grant>', description: 'grant type to register (repeatable; default authorization_code and refresh_token)', repeatable: true },
      { flags: '--client-auth <method>', description: 'token endpoint authentication method (default none)' },
      { flags: '--scope <scopes>', description: 'scope to register' },
      ...REGISTRATION_OPTIONS,
    ],
    examples: [
      'register -p dev --issuer https://auth.example.com',
      'register -p ci --issuer https://auth.example.com --grant client_credentials --initial-access-token env:IAT',
      `register -p app --registration-url https://auth.example.com/register --metadata '{"logo_uri":"https://example.com/logo.png"}'`,
      'register -p dev --issuer https://auth.example.com -o json --reveal',
    ],
    load: () => import('./commands/register.js'),
  },
  {
    path: ['completion'],
    args: '<shell>',
    summary: 'print a shell completion script (bash, zsh or fish)',
    options: [],
    examples: [
      'completion bash > /etc/bash_completion.d/oauthctl',
      'completion zsh > "${fpath[1]}/_oauthctl"',
      'completion fish > ~/.config/fish/completions/oauthctl.fish',
    ],
    load: () => import('./commands/completion.js'),
  },
  {
    path: ['profile'],
    summary: 'manage profiles (saved settings; secrets go to the token store)',
    examples: ['profile add dev --issuer https://auth.example.com --client-id cli', 'profile list', 'profile use dev'],
    commands: [
      {
        path: ['profile', 'add'],
        args: '<name>',
        summary: 'save a profile (asks for what is missing on a terminal)',
        options: [...SERVER_OPTIONS, ...FROM_RESOURCE_OPTIONS],
        examples: [
          'profile add dev --issuer https://auth.example.com --client-id cli',
          'profile add mcp --from-resource https://api.example.com/mcp --register',
          'profile add ci --grant client_credentials --token-url https://auth.example.com/token --client-id ci --client-secret-stdin',
        ],
        load: () => import('./commands/profile-add.js'),
      },
      {
        path: ['profile', 'list'],
        summary: 'list profiles (* marks the current one)',
        options: [{ flags: '--names', description: 'only the names, one per line (for scripts and shell completion)' }],
        examples: ['profile list', 'profile list -o json'],
        load: () => import('./commands/profile-list.js'),
      },
      {
        path: ['profile', 'show'],
        args: '[name]',
        summary: 'show a profile (default: the current one)',
        options: [],
        examples: ['profile show', 'profile show dev -o json'],
        load: () => import('./commands/profile-show.js'),
      },
      {
        path: ['profile', 'remove'],
        args: '<name>',
        summary: 'remove a profile and its stored tokens and secret',
        options: [{ flags: '--unregister', description: 'first delete the client registration at the server (RFC 7592)' }],
        examples: ['profile remove old', 'profile remove old -o json', 'profile remove dev --unregister'],
        load: () => import('./commands/profile-remove.js'),
      },
      {
        path: ['profile', 'use'],
        args: '<name>',
        summary: 'make a profile the current one',
        options: [],
        examples: ['profile use dev', 'profile use prod && oauthctl token'],
        load: () => import('./commands/profile-use.js'),
      },
    ],
  },
];

/** The program's own help examples. */
export const PROGRAM_EXAMPLES: readonly string[] = [
  'login --issuer https://auth.example.com --client-id cli',
  'login --grant client_credentials --token-url https://auth.example.com/token --client-id ci --client-secret-stdin',
  'token',
  'decode eyJhbGciOi...',
];

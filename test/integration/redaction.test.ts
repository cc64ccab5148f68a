/**
 * The redaction matrix (SPEC "Secrets", "Output"): a whole session through the built CLI — every
 * grant that runs without a real browser, every command that reads or prints tokens — once with
 * `-v` and once with `-o json`, collecting every secret value that shows up along the way (client
 * secrets, alice's password, the authorization code, every access / refresh / ID token, the
 * private key). Then:
 *
 * - stdout holds no secret unless printing it is the command's purpose (`token`, `token show
 *   --reveal`, the token set of `login` / `token refresh` with `-o json`, the token given to
 *   `decode` / `verify`), and no JWT the command was not meant to print (a client assertion);
 * - stderr holds no secret and no JWT at all, with or without `-v`;
 * - no file in OAUTHCTL_HOME but the store (`tokens.json`) holds a secret;
 * - the `-v` traces do show `[redacted]` where each secret would be (so turning tracing off, or
 *   renaming a field, cannot make this test pass vacuously).
 *
 * A new command is one line in MATRIX.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from '../fixtures/server.js';
import { completeAuthorization, completeDeviceVerification } from '../fixtures/user-agent.js';
import { startCli, tempHome, type CliResult, type RunningCli } from './cli.js';

/** What a secret is; tokens also remember the profile they belong to. */
type Kind = 'client_secret' | 'password' | 'code' | 'private_key' | 'access_token' | 'refresh_token' | 'id_token';
type TokenKind = 'access_token' | 'refresh_token' | 'id_token';
type Mode = 'verbose' | 'json';

interface Secret {
  kind: Kind;
  value: string;
  /** The profile a token was issued to (tokens only). */
  profile?: string;
  /** Where it was first seen, for failure messages. */
  origin: string;
}

/** The state of the session, for rows whose arguments or input depend on earlier ones. */
interface Session {
  fixture: Fixture;
  home: string;
  /** The current tokens of a profile (from the store, refreshed after every row). */
  tokens(profile: string): Partial<Record<TokenKind, string>>;
  addSecret(kind: Kind, value: string, origin: string, profile?: string): void;
}

interface Row {
  name: string;
  args: (s: Session) => string[];
  env?: (s: Session) => Record<string, string>;
  input?: (s: Session) => string;
  /**
   * The secrets stdout may hold: token kinds of the row's own profile (`-p`), or `input` for the
   * exact token handed to the command. `text` applies in every mode, `json` with `-o json` only.
   */
  allowedOnStdout?: { text?: Array<TokenKind | 'input'>; json?: Array<TokenKind | 'input'> };
  /** Plays the user while the command runs (interactive grants). */
  drive?: (cli: RunningCli, s: Session) => Promise<void>;
  /** What the `-v` trace of this row must show (proof that tracing ran and redacted). */
  trace?: Array<string | RegExp>;
  /** The exit code the row must end with (default 0). */
  expectCode?: number;
}

const TOKEN_SET = { json: ['access_token', 'refresh_token', 'id_token'] } satisfies Row['allowedOnStdout'];
/** Wrong credentials are secrets too: an error message must not echo them. */
const WRONG_PASSWORD = 'not-wonderland-but-secret';
const WRONG_SECRET = 'post-not-the-right-secret-0123456789';
const URL_LINE = /^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m;

/** Plays alice through a `--no-browser` login, keeping the authorization code as a secret to look for. */
async function signInAsAlice(cli: RunningCli, s: Session): Promise<void> {
  const url = (await cli.waitForStderr(URL_LINE))[1] as string;
  const redirected = await completeAuthorization(url, { username: 'alice' });
  const code = new URL(redirected).searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect ${redirected}`);
  s.addSecret('code', code, 'the redirect to the loopback listener');
  await (await fetch(redirected)).text();
}
const DEVICE_PROMPT = /visit (\S+)\s+and enter the code:\s+(\S+)/;

const basicEnv = (s: Session) => ({ OAUTHCTL_CLIENT_SECRET: s.fixture.clients.confidentialBasic.secret });
const issuer = (s: Session) => ['--issuer', s.fixture.issuer];

/**
 * The session, in order. Each row runs once per mode, in a home of its own per mode. `-p` names
 * the profile a row's tokens belong to; destructive rows (revoke, logout) come last.
 */
const MATRIX: Row[] = [
  {
    name: 'login client_credentials (client_secret_basic, secret from env)',
    args: (s) => ['login', '-p', 'cc-basic', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.confidentialBasic.id, '--client-auth', 'client_secret_basic', '--scope', 'people:read'],
    env: basicEnv,
    allowedOnStdout: TOKEN_SET,
    trace: ['authorization: Basic [redacted]', '"access_token":"[redacted]"'],
  },
  {
    name: 'login client_credentials (client_secret_post, --client-secret-stdin)',
    args: (s) => ['login', '-p', 'cc-post', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.confidentialPost.id, '--client-auth', 'client_secret_post', '--scope', 'people:read', '--client-secret-stdin'],
    input: (s) => `${s.fixture.clients.confidentialPost.secret}\n`,
    allowedOnStdout: TOKEN_SET,
    trace: ['client_secret=[redacted]'],
  },
  {
    name: 'login client_credentials (client_secret_jwt, --client-secret on the command line)',
    args: (s) => ['login', '-p', 'cc-jwt', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.secretJwt.id, '--client-auth', 'client_secret_jwt', '--scope', 'people:read', '--client-secret', s.fixture.clients.secretJwt.secret],
    allowedOnStdout: TOKEN_SET,
    trace: ['client_assertion=[redacted]'],
  },
  {
    name: 'login client_credentials (private_key_jwt, PEM; JWT access token)',
    args: (s) => ['login', '-p', 'cc-pkjwt', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.privateKeyJwt.id, '--private-key', s.fixture.clients.privateKeyJwt.privateKeyPem, '--scope', 'people:read', '--resource', s.fixture.jwtResource],
    allowedOnStdout: TOKEN_SET,
    trace: ['client_assertion=[redacted]'],
  },
  {
    name: 'login password (--password-stdin)',
    args: (s) => ['login', '-p', 'alice', '--grant', 'password', ...issuer(s), '--client-id', s.fixture.clients.confidentialBasic.id, '--username', 'alice', '--password-stdin', '--scope', 'openid profile email offline_access'],
    env: basicEnv,
    input: () => 'wonderland\n',
    allowedOnStdout: TOKEN_SET,
    trace: ['password=[redacted]', '"refresh_token":"[redacted]"', '"id_token":"[redacted]"'],
  },
  {
    name: 'login password (OAUTHCTL_PASSWORD, client_secret_post)',
    args: (s) => ['login', '-p', 'alice-post', '--grant', 'password', ...issuer(s), '--client-id', s.fixture.clients.confidentialPost.id, '--client-auth', 'client_secret_post', '--username', 'alice', '--scope', 'openid offline_access'],
    env: (s) => ({ OAUTHCTL_CLIENT_SECRET: s.fixture.clients.confidentialPost.secret, OAUTHCTL_PASSWORD: 'wonderland' }),
    allowedOnStdout: TOKEN_SET,
    trace: ['password=[redacted]', 'client_secret=[redacted]'],
  },
  {
    name: 'login authorization_code (--no-browser, confidential client, PKCE)',
    args: (s) => ['login', '-p', 'code', ...issuer(s), '--client-id', s.fixture.clients.confidentialPost.id, '--client-auth', 'client_secret_post', '--scope', 'openid profile offline_access', '--no-browser'],
    env: (s) => ({ OAUTHCTL_CLIENT_SECRET: s.fixture.clients.confidentialPost.secret }),
    allowedOnStdout: TOKEN_SET,
    drive: signInAsAlice,
    trace: ['grant_type=authorization_code', /[?&]code=\[redacted\]/, 'code_verifier=[redacted]', 'client_secret=[redacted]'],
  },
  {
    name: 'login authorization_code (--no-browser, public client)',
    args: (s) => ['login', '-p', 'public', ...issuer(s), '--client-id', s.fixture.clients.publicNative.id, '--scope', 'openid offline_access', '--no-browser'],
    allowedOnStdout: TOKEN_SET,
    drive: signInAsAlice,
    trace: ['code_verifier=[redacted]'],
  },
  {
    name: 'login device_code (--no-browser)',
    args: (s) => ['login', '-p', 'device', '--grant', 'device_code', ...issuer(s), '--client-id', s.fixture.clients.device.id, '--scope', 'openid offline_access', '--no-browser'],
    allowedOnStdout: TOKEN_SET,
    drive: async (cli) => {
      const [, uri, userCode] = await cli.waitForStderr(DEVICE_PROMPT);
      await completeDeviceVerification(uri as string, userCode as string, { username: 'alice' });
    },
    trace: ['"device_code":"[redacted]"', 'device_code=[redacted]'],
  },
  {
    name: 'login password (a wrong password: the error)',
    args: (s) => ['login', '-p', 'wrong', '--grant', 'password', ...issuer(s), '--client-id', s.fixture.clients.confidentialBasic.id, '--username', 'alice', '--scope', 'openid'],
    env: (s) => ({ ...basicEnv(s), OAUTHCTL_PASSWORD: WRONG_PASSWORD }),
    expectCode: 3,
    trace: ['password=[redacted]'],
  },
  {
    name: 'login client_credentials (a wrong client secret: the error)',
    args: (s) => ['login', '-p', 'wrong', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.confidentialPost.id, '--client-auth', 'client_secret_post', '--client-secret-stdin'],
    input: () => `${WRONG_SECRET}\n`,
    expectCode: 3,
    trace: ['client_secret=[redacted]'],
  },
  {
    name: 'token (print)',
    args: () => ['token', '-p', 'alice'],
    allowedOnStdout: { text: ['access_token'] },
  },
  { name: 'token show', args: () => ['token', 'show', '-p', 'alice'] },
  {
    name: 'token show --reveal',
    args: () => ['token', 'show', '--reveal', '-p', 'alice'],
    allowedOnStdout: { text: ['access_token', 'refresh_token', 'id_token'] },
  },
  {
    name: 'token refresh',
    args: () => ['token', 'refresh', '-p', 'alice'],
    allowedOnStdout: TOKEN_SET,
    trace: ['refresh_token=[redacted]', 'authorization: Basic [redacted]'],
  },
  {
    name: 'introspect (the stored access token)',
    args: () => ['introspect', '-p', 'alice'],
    trace: ['token=[redacted]'],
  },
  {
    name: 'introspect - (a refresh token on stdin)',
    args: () => ['introspect', '-', '-p', 'alice'],
    input: (s) => s.tokens('alice').refresh_token ?? '',
    trace: ['token=[redacted]'],
  },
  {
    name: 'userinfo',
    args: () => ['userinfo', '-p', 'alice'],
    trace: ['authorization: Bearer [redacted]'],
  },
  {
    name: 'call GET /people',
    args: (s) => ['call', 'GET', '/people', '-p', 'cc-basic', '--base-url', s.fixture.apiBaseUrl],
    trace: ['authorization: Bearer [redacted]'],
  },
  {
    name: 'verify - (a JWT access token, keys from discovery)',
    args: (s) => ['verify', '-', ...issuer(s), '--audience', s.fixture.jwtResource],
    input: (s) => s.tokens('cc-pkjwt').access_token ?? '',
    allowedOnStdout: { text: ['input'] },
  },
  {
    name: 'verify (an ID token as argument)',
    args: (s) => ['verify', s.tokens('alice').id_token ?? '', '--jwks-uri', `${s.fixture.issuer}/jwks`, '--audience', s.fixture.clients.confidentialBasic.id],
    allowedOnStdout: { text: ['input'] },
  },
  {
    name: 'decode - (an ID token)',
    args: () => ['decode', '-'],
    input: (s) => s.tokens('alice').id_token ?? '',
    allowedOnStdout: { text: ['input'] },
  },
  {
    name: 'decode (a JWT access token as argument)',
    args: (s) => ['decode', s.tokens('cc-pkjwt').access_token ?? ''],
    allowedOnStdout: { text: ['input'] },
  },
  { name: 'discover', args: (s) => ['discover', s.fixture.issuer] },
  {
    name: 'profile add (--client-secret-stdin)',
    args: (s) => ['profile', 'add', 'saved', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.confidentialPost.id, '--client-auth', 'client_secret_post', '--scope', 'people:read', '--client-secret-stdin'],
    input: (s) => `${s.fixture.clients.confidentialPost.secret}\n`,
  },
  {
    name: 'profile add (--client-secret on the command line)',
    args: (s) => ['profile', 'add', 'saved-jwt', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.secretJwt.id, '--client-auth', 'client_secret_jwt', '--client-secret', s.fixture.clients.secretJwt.secret],
  },
  {
    name: 'profile add (private_key_jwt)',
    args: (s) => ['profile', 'add', 'saved-key', '--grant', 'client_credentials', ...issuer(s), '--client-id', s.fixture.clients.privateKeyJwt.id, '--private-key', s.fixture.clients.privateKeyJwt.privateKeyPem],
  },
  {
    name: 'login with a saved profile (secret from the store)',
    args: () => ['login', '-p', 'saved'],
    allowedOnStdout: TOKEN_SET,
    trace: ['client_secret=[redacted]'],
  },
  {
    name: 'login with a saved profile (client_secret_jwt from the store)',
    args: () => ['login', '-p', 'saved-jwt'],
    allowedOnStdout: TOKEN_SET,
    trace: ['client_assertion=[redacted]'],
  },
  { name: 'profile list', args: () => ['profile', 'list'] },
  { name: 'profile show', args: () => ['profile', 'show', 'saved'] },
  { name: 'profile show (client_secret_jwt)', args: () => ['profile', 'show', 'saved-jwt'] },
  {
    name: 'token revoke',
    args: () => ['token', 'revoke', '-p', 'alice'],
    trace: ['token=[redacted]'],
  },
  {
    name: 'logout (authorization_code profile)',
    args: () => ['logout', '-p', 'code'],
    trace: ['token=[redacted]', 'client_secret=[redacted]'],
  },
  { name: 'logout (device profile)', args: () => ['logout', '-p', 'device'] },
];

const MODE_FLAGS: Record<Mode, string[]> = { verbose: ['-v'], json: ['-o', 'json'] };

interface Ran {
  row: Row;
  args: string[];
  profile: string | undefined;
  input: string | undefined;
  res: CliResult;
}

/** A JWT-shaped run (`eyJ…` with dots, or a long `eyJ…` fragment). */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)*/g;

function profileOf(args: string[]): string | undefined {
  const i = args.indexOf('-p');
  return i >= 0 ? args[i + 1] : undefined;
}

/** Every file under `dir`, recursively (relative paths). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path).map((p) => join(name, p)) : [name];
  });
}

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(async () => {
  await fixture?.close();
});

describe.each(['verbose', 'json'] as const)('redaction with %s output', (mode: Mode) => {
  const secrets = new Map<string, Secret>();
  const runs: Ran[] = [];
  let home = '';
  let cleanup = () => {};

  const collectStore = (origin: string) => {
    let store: { profiles?: Record<string, { tokens?: Record<string, unknown>; client_secret?: string }> };
    try {
      store = JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8')) as typeof store;
    } catch {
      return;
    }
    for (const [profile, entry] of Object.entries(store.profiles ?? {})) {
      for (const kind of ['access_token', 'refresh_token', 'id_token'] as const) {
        const value = entry.tokens?.[kind];
        if (typeof value === 'string') session.addSecret(kind, value, origin, profile);
      }
      if (entry.client_secret) session.addSecret('client_secret', entry.client_secret, origin);
    }
  };

  const session: Session = {
    get fixture() {
      return fixture;
    },
    get home() {
      return home;
    },
    tokens(profile) {
      const store = JSON.parse(readFileSync(join(home, 'tokens.json'), 'utf8')) as { profiles: Record<string, { tokens?: Record<TokenKind, string> }> };
      return store.profiles[profile]?.tokens ?? {};
    },
    addSecret(kind, value, origin, profile) {
      if (!secrets.has(value)) secrets.set(value, { kind, value, origin, ...(profile !== undefined ? { profile } : {}) });
    },
  };

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    const c = fixture.clients;
    for (const [name, client] of [['confidential-basic', c.confidentialBasic], ['confidential-post', c.confidentialPost], ['secret-jwt', c.secretJwt]] as const) {
      session.addSecret('client_secret', client.secret, `fixture client ${name}`);
    }
    session.addSecret('password', 'wonderland', "alice's password");
    session.addSecret('password', WRONG_PASSWORD, 'a wrong password');
    session.addSecret('client_secret', WRONG_SECRET, 'a wrong client secret');
    // Any long base64 line of the private key file is as secret as the whole key.
    const pem = readFileSync(c.privateKeyJwt.privateKeyPem, 'utf8');
    for (const line of pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'))) {
      session.addSecret('private_key', line, 'the private_key_jwt PEM');
    }

    for (const row of MATRIX) {
      const args = [...row.args(session), ...MODE_FLAGS[mode]];
      const input = row.input?.(session);
      const cli = startCli(args, { home, env: row.env?.(session) ?? {}, timeoutMs: 30_000 });
      if (row.drive) {
        await row.drive(cli, session).catch((err: Error) => {
          cli.child.kill('SIGKILL');
          throw new Error(`${row.name}: driving the user failed: ${err.message}`);
        });
      }
      cli.child.stdin.end(input ?? '');
      const res = await cli.done;
      const profile = profileOf(args);
      runs.push({ row, args, profile, input, res });
      if (process.env.REDACTION_DUMP) console.log(`$ oauthctl ${args.join(' ')}\n--- stdout\n${res.stdout}--- stderr\n${res.stderr}`);
      // Tokens the command printed (json token sets), and whatever the store holds now.
      if (mode === 'json' && res.code === 0) {
        try {
          const out = JSON.parse(res.stdout) as Record<string, unknown>;
          for (const kind of ['access_token', 'refresh_token', 'id_token'] as const) {
            if (typeof out[kind] === 'string') session.addSecret(kind, out[kind], `stdout of ${row.name}`, profile);
          }
        } catch {
          // not JSON: checked below
        }
      }
      collectStore(`the store after ${row.name}`);
    }
  }, 180_000);

  afterAll(() => cleanup());

  /** Readable context for a failure: the command and the first lines of what it wrote. */
  const where = (ran: Ran) => `oauthctl ${ran.args.map((a) => (a.length > 60 ? `${a.slice(0, 20)}…` : a)).join(' ')}`;

  function allowedValues(ran: Ran): Set<string> {
    const kinds = [...(ran.row.allowedOnStdout?.text ?? []), ...(mode === 'json' ? (ran.row.allowedOnStdout?.json ?? []) : [])];
    const allowed = new Set<string>();
    if (kinds.includes('input') && ran.input !== undefined && ran.input !== '') allowed.add(ran.input.trim());
    if (kinds.includes('input')) {
      // A token given as an argument (decode/verify): the first argument after the command.
      const arg = ran.args[1];
      if (arg && arg.startsWith('eyJ')) allowed.add(arg);
    }
    for (const secret of secrets.values()) {
      if (kinds.includes(secret.kind as TokenKind) && secret.profile === ran.profile) allowed.add(secret.value);
    }
    return allowed;
  }

  it('every command of the session ran as expected', () => {
    const wrong = runs
      .filter((ran) => ran.res.code !== (ran.row.expectCode ?? 0))
      .map((ran) => `${ran.row.name}: exit ${ran.res.code} (want ${ran.row.expectCode ?? 0})\n  ${where(ran)}\n  ${ran.res.stderr.trim().split('\n').slice(-3).join('\n  ')}`);
    expect(wrong).toEqual([]);
    expect(runs).toHaveLength(MATRIX.length);
  });

  it('collected the secrets of the session (tokens of every grant, the authorization codes)', () => {
    const kinds = [...secrets.values()].map((s) => `${s.kind}${s.profile ? `@${s.profile}` : ''}`);
    for (const p of ['cc-basic', 'cc-post', 'cc-jwt', 'cc-pkjwt', 'alice', 'alice-post', 'code', 'public', 'device', 'saved', 'saved-jwt']) {
      expect(kinds, p).toContain(`access_token@${p}`);
    }
    for (const p of ['alice', 'code', 'public', 'device']) {
      expect(kinds, p).toContain(`refresh_token@${p}`);
      expect(kinds, p).toContain(`id_token@${p}`);
    }
    expect(kinds.filter((k) => k === 'code')).toHaveLength(2);
    expect(kinds).toContain('private_key');
  });

  it('stdout holds no secret unless printing it is the command\'s purpose', () => {
    const leaks: string[] = [];
    for (const ran of runs) {
      const allowed = allowedValues(ran);
      for (const secret of secrets.values()) {
        if (ran.res.stdout.includes(secret.value) && !allowed.has(secret.value)) {
          leaks.push(`${ran.row.name}: stdout shows ${secret.kind}${secret.profile ? ` of ${secret.profile}` : ''} (from ${secret.origin})\n  ${where(ran)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('the commands that print tokens do print them (so the allowlist is not too wide)', () => {
    const byName = (name: string) => runs.find((r) => r.row.name === name) as Ran;
    const alice = [...secrets.values()].filter((s) => s.profile === 'alice');
    const printed = byName('token (print)').res.stdout;
    expect(alice.filter((s) => s.kind === 'access_token').map((s) => `${s.value}\n`)).toContain(printed);
    const reveal = byName('token show --reveal').res.stdout;
    for (const kind of ['access_token', 'refresh_token', 'id_token'] as const) {
      expect(alice.some((s) => s.kind === kind && reveal.includes(s.value)), kind).toBe(true);
    }
  });

  it('no JWT appears but one the command is meant to print (client assertions stay inside)', () => {
    const leaks: string[] = [];
    for (const ran of runs) {
      const allowed = allowedValues(ran);
      for (const [stream, text] of [['stdout', ran.res.stdout], ['stderr', ran.res.stderr]] as const) {
        for (const match of text.match(JWT_LIKE) ?? []) {
          if (!match.includes('.') && match.length < 16) continue;
          if (stream === 'stdout' && allowed.has(match)) continue;
          const known = secrets.get(match);
          leaks.push(`${ran.row.name}: ${stream} shows ${known ? known.kind : 'an unknown JWT'} ${match.slice(0, 24)}…\n  ${where(ran)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('stderr never holds a secret', () => {
    const leaks: string[] = [];
    for (const ran of runs) {
      for (const secret of secrets.values()) {
        if (ran.res.stderr.includes(secret.value)) {
          leaks.push(`${ran.row.name}: stderr shows ${secret.kind}${secret.profile ? ` of ${secret.profile}` : ''} (from ${secret.origin})\n  ${where(ran)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('no file in the home but tokens.json holds a secret', () => {
    const files = filesUnder(home);
    expect(files).toContain('tokens.json');
    expect(files).toContain('config.json');
    const leaks: string[] = [];
    for (const file of files.filter((f) => f !== 'tokens.json')) {
      const text = readFileSync(join(home, file), 'utf8');
      for (const secret of secrets.values()) {
        if (text.includes(secret.value)) leaks.push(`${relative(home, join(home, file))} holds ${secret.kind} (from ${secret.origin})`);
      }
    }
    expect(leaks).toEqual([]);
  });

  // With -o json alone there is no trace to look at.
  if (mode === 'verbose') it('the -v traces show [redacted] where each secret would be', () => {
    const missing: string[] = [];
    for (const ran of runs) {
      for (const expected of ran.row.trace ?? []) {
        const found = typeof expected === 'string' ? ran.res.stderr.includes(expected) : expected.test(ran.res.stderr);
        if (!found) missing.push(`${ran.row.name}: the trace lacks ${String(expected)}\n  ${where(ran)}`);
      }
    }
    expect(missing).toEqual([]);
    // Outside the listed rows too: every secret form field or JSON member is redacted.
    const clear: string[] = [];
    const field = /(?:^|[?&\s])(client_secret|password|code|code_verifier|refresh_token|access_token|id_token|client_assertion|device_code|token|assertion)=([^&\s]*)/gm;
    const member = /"(client_secret|password|code|code_verifier|refresh_token|access_token|id_token|client_assertion|device_code|assertion)"\s*:\s*"([^"]*)"/g;
    for (const ran of runs) {
      for (const m of [...ran.res.stderr.matchAll(field), ...ran.res.stderr.matchAll(member)]) {
        if (m[2] !== '[redacted]' && m[2] !== '') clear.push(`${ran.row.name}: ${m[1]}=${(m[2] as string).slice(0, 12)}…\n  ${where(ran)}`);
      }
      for (const m of ran.res.stderr.matchAll(/^> (authorization|cookie|proxy-authorization): (.*)$/gim)) {
        if (!/^(?:(?:Basic|Bearer|DPoP) )?\[redacted\]$/.test(m[2] as string)) clear.push(`${ran.row.name}: header ${m[1]}: ${m[2]}`);
      }
      for (const m of ran.res.stderr.matchAll(/^< (set-cookie): (.*)$/gim)) {
        if (m[2] !== '[redacted]') clear.push(`${ran.row.name}: header ${m[1]}: ${m[2]}`);
      }
    }
    expect(clear).toEqual([]);
  });
});

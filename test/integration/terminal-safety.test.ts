/**
 * SPEC "Safety" → Terminals, through the built CLI: whatever a token, a server (the fixture's real
 * oidc-provider with an injected answer, or a raw socket) or a callback says, every line for a
 * person shows its control characters escaped (`\u001b`) and never raw; `-o json` escapes C1 and
 * DEL too; `call`'s body stays byte-exact. Deeply nested JSON is rendered (a JWT) or refused with
 * exit 4 (a server), never a crash.
 * A real pseudo-terminal run (tmux) is in terminal-pty.test.ts.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, useFixture, type CliResult } from './cli.js';

const t = useFixture();

/** An OSC 52 clipboard write, an 8-bit CSI (clear screen), DEL, a carriage return and a line feed. */
const OSC52 = '\u001b]52;c;ZXZpbA==\u0007';
const HOSTILE = `x${OSC52}y\u009b2J\u007f\rz\nhint: run this`;
/** Every control character except the line feed of our own lines. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const DEEP = 100_000;

/** Neither stream carries a raw control character; `expected` (escaped forms) all appear. */
function expectEscaped(res: CliResult, stream: 'stdout' | 'stderr', expected: string[] = ['\\u001b]52;c;ZXZpbA==\\u0007']): void {
  expect(res.stdout, 'stdout').not.toMatch(RAW_CONTROL);
  expect(res.stderr, 'stderr').not.toMatch(RAW_CONTROL);
  for (const text of expected) expect(res[stream]).toContain(text);
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function deepArray(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

const basic = () => t.fixture.clients.confidentialBasic;
const secretEnv = () => ({ OAUTHCTL_CLIENT_SECRET: basic().secret });
const ccLogin = (extra: string[] = []) => [
  'login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', basic().id, '--scope', 'people:read', ...extra,
];

afterEach(() => t.fixture.clearFaults());

describe('tokens pasted in', () => {
  it('decode: a non-JSON payload and a hostile header are shown escaped (text and -o json)', async () => {
    const token = `${b64url(JSON.stringify({ alg: `RS256${OSC52}`, typ: 'JWT\u009b' }))}.${b64url(HOSTILE)}.c2ln`;
    const text = await runCli(['decode', token], { home: t.home });
    expect(text.code).toBe(0);
    expectEscaped(text, 'stdout', ['x\\u001b]52;c;ZXZpbA==\\u0007y\\u009b2J\\u007f\\u000dz\\u000ahint: run this', 'JWT\\u009b']);
    const json = await runCli(['decode', '-o', 'json', token], { home: t.home });
    expect(json.code).toBe(0);
    expectEscaped(json, 'stdout', ['\\u009b']);
    expect(JSON.parse(json.stdout)).toMatchObject({ header: { typ: 'JWT\u009b' }, payload: HOSTILE });
  });

  it('decode: a payload nested 100,000 deep is rendered, not a crash', async () => {
    const token = `${b64url('{"alg":"HS256"}')}.${b64url(`{"a":${deepArray(DEEP)}}`)}.c2ln`;
    for (const output of ['text', 'json']) {
      const res = await runCli(['decode', '-o', output, '-'], { home: t.home, input: token });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.length).toBeGreaterThan(2 * DEEP);
      if (output === 'json') expect(JSON.parse(res.stdout).payload.a).toBeInstanceOf(Array);
    }
  });

  it("verify: the unverified alg in the error line is escaped (no clipboard write)", async () => {
    const token = `${b64url(JSON.stringify({ alg: `RS256${OSC52}` }))}.${b64url('{"sub":"a"}')}.c2ln`;
    const res = await runCli(['verify', '--jwks-uri', `${t.fixture.issuer}/jwks`, token], { home: t.home });
    expect(res.code).toBe(7);
    expectEscaped(res, 'stderr', ['oauthctl: token is not valid: algorithm RS256\\u001b]52;c;ZXZpbA==\\u0007 is not allowed']);
    const json = await runCli(['verify', '-o', 'json', '--jwks-uri', `${t.fixture.issuer}/jwks`, token.replace(b64url('{"sub":"a"}'), b64url('{"sub":"a\u009b"}'))], { home: t.home });
    expect(json.code).toBe(7);
    expectEscaped(json, 'stdout', ['a\\u009b']);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, payload: { sub: 'a\u009b' } });
  });

  it('verify: an unencoded payload (b64: false) is exit 7; a malformed one exit 2', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!!';
    const { FlattenedSign } = await import('jose');
    const jws = await new FlattenedSign(new TextEncoder().encode('{"sub":"alice"}'))
      .setProtectedHeader({ alg: 'HS256', b64: false, crit: ['b64'] })
      .sign(new TextEncoder().encode(secret));
    // jose writes the payload detached (an empty middle part): a JWS, but never a JWT.
    const detached = await runCli(['verify', '--secret-stdin', `${jws.protected}..${jws.signature}`], { home: t.home, input: secret });
    expect(detached.code).toBe(7);
    // The payload inline and unencoded is not base64url: malformed for a JWT (exit 2).
    const malformed = await runCli(['verify', '--secret-stdin', `${jws.protected}.{"sub":"alice"}.${jws.signature}`], { home: t.home, input: secret });
    expect(malformed.code).toBe(2);
    // Encoded for transport, the header still says b64: false: refused, signature or not.
    const encoded = `${jws.protected}.${b64url('{"sub":"alice"}')}.${jws.signature}`;
    const refused = await runCli(['verify', '--secret-stdin', encoded], { home: t.home, input: secret });
    expect(refused.code).toBe(7);
    expect(refused.stderr).toBe('oauthctl: token is not valid: unencoded payload (b64: false, RFC 7797) is never accepted in a JWT\n');
  });
});

describe('a hostile authorization server', () => {
  beforeEach(async () => {
    const res = await runCli(ccLogin(), { home: t.home, env: secretEnv() });
    expect(res.code, res.stderr).toBe(0);
  });

  const answer = (route: 'introspection' | 'userinfo' | 'discovery' | 'token' | 'device_authorization', body: unknown, status = 200) =>
    t.fixture.injectFault({ route, status, contentType: 'application/json', body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('introspect: values escaped in text, C1 escaped in -o json; 100,000-deep JSON refused (exit 4)', async () => {
    const response = { active: true, sub: HOSTILE, scope: `a\u009bb`, username: HOSTILE, aud: [`c${OSC52}`], client_id: 'c' };
    const args = ['introspect', '--issuer', t.fixture.issuer, '--client-id', basic().id];
    answer('introspection', response);
    const text = await runCli(args, { home: t.home, env: secretEnv() });
    expect(text.code, text.stderr).toBe(0);
    expectEscaped(text, 'stdout', ['x\\u001b]52;c;ZXZpbA==\\u0007y\\u009b2J\\u007f\\u000dz\\u000ahint: run this', 'a\\u009bb']);
    answer('introspection', response);
    const json = await runCli([...args, '-o', 'json'], { home: t.home, env: secretEnv() });
    expect(json.code, json.stderr).toBe(0);
    expectEscaped(json, 'stdout', ['a\\u009bb']);
    expect(JSON.parse(json.stdout)).toMatchObject({ scope: 'a\u009bb', sub: HOSTILE });
    for (const output of ['text', 'json']) {
      answer('introspection', `{"active":true,"aud":${deepArray(DEEP)}}`);
      const deep = await runCli([...args, '-o', output], { home: t.home, env: secretEnv() });
      expect(deep.code, deep.stderr).toBe(4);
      expect(deep.stderr).toMatch(/answered JSON nested more than 256 levels deep/);
    }
  });

  it('userinfo: claim names and values escaped; 100,000-deep JSON refused (exit 4)', async () => {
    answer('userinfo', { sub: HOSTILE, [`name${OSC52}`]: 'v\u009b', address: { street: HOSTILE } });
    const text = await runCli(['userinfo', '--issuer', t.fixture.issuer], { home: t.home });
    expect(text.code, text.stderr).toBe(0);
    expectEscaped(text, 'stdout', ['name\\u001b]52;c;ZXZpbA==\\u0007', 'v\\u009b', 'x\\u001b]52']);
    answer('userinfo', { sub: 'a', [`name${OSC52}`]: 'v\u009b' });
    const json = await runCli(['userinfo', '--issuer', t.fixture.issuer, '-o', 'json'], { home: t.home });
    expect(json.code, json.stderr).toBe(0);
    expectEscaped(json, 'stdout', ['v\\u009b']);
    for (const output of ['text', 'json']) {
      answer('userinfo', `{"sub":"a","deep":${deepArray(DEEP)}}`);
      const deep = await runCli(['userinfo', '--issuer', t.fixture.issuer, '-o', output], { home: t.home });
      expect(deep.code, deep.stderr).toBe(4);
      expect(deep.stderr).toMatch(/answered JSON nested more than 256 levels deep/);
    }
  });

  it('discover: values escaped in text; the document as served, with C1 escaped, in -o json', async () => {
    const metadata = {
      issuer: t.fixture.issuer,
      token_endpoint: `${t.fixture.issuer}/token`,
      scopes_supported: ['openid', HOSTILE],
      grant_types_supported: [[['x\u009b']]],
      [`x${OSC52}`]: 'y\u009b',
    };
    answer('discovery', metadata);
    const text = await runCli(['discover', t.fixture.issuer], { home: t.home });
    expect(text.code, text.stderr).toBe(0);
    expectEscaped(text, 'stdout', ['x\\u001b]52;c;ZXZpbA==\\u0007y\\u009b2J', 'x\\u009b']);
    answer('discovery', metadata);
    const json = await runCli(['discover', t.fixture.issuer, '-o', 'json'], { home: t.home });
    expect(json.code, json.stderr).toBe(0);
    expectEscaped(json, 'stdout', ['y\\u009b']);
    expect(JSON.parse(json.stdout)).toEqual(metadata);
    answer('discovery', `{"issuer":${JSON.stringify(t.fixture.issuer)},"scopes_supported":${deepArray(DEEP)}}`);
    const deep = await runCli(['discover', t.fixture.issuer], { home: t.home });
    expect(deep.code, deep.stderr).toBe(4);
    expect(deep.stderr).toMatch(/answered JSON nested more than 256 levels deep/);
  });

  it('100,000-deep JSON anywhere a server answers: refused with exit 4, never a crash, with -v too', async () => {
    const deep = deepArray(DEEP);
    const cases: [Parameters<typeof answer>[0], string, string[]][] = [
      ['discovery', `{"issuer":${deep}}`, ['discover', t.fixture.issuer]],
      ['discovery', `{"issuer":${JSON.stringify(t.fixture.issuer)},"token_endpoint":${deep}}`, ccLogin(['-p', 'deep'])],
      ['token', `{"access_token":"a","token_type":"Bearer","expires_in":300,"scope":${deep}}`, ccLogin(['-p', 'deep'])],
      ['token', `{"error":${deep},"error_description":${deep}}`, ccLogin(['-p', 'deep'])],
      ['introspection', `{"active":${deep}}`, ['introspect', '--issuer', t.fixture.issuer, '--client-id', basic().id]],
      ['userinfo', `{"sub":${deep}}`, ['userinfo', '--issuer', t.fixture.issuer]],
    ];
    for (const [route, body, args] of cases) {
      for (const extra of [[], ['-v'], ['-o', 'json']]) {
        answer(route, body);
        const res = await runCli([...args, ...extra], { home: t.home, env: secretEnv() });
        t.fixture.clearFaults();
        expect(res.code, `${route} ${extra.join(' ')}: ${res.stderr.slice(0, 300)}`).toBe(4);
        expect(res.stderr).not.toMatch(/RangeError|Maximum call stack|internal error/);
      }
    }
  }, 120_000);

  it('login and token show: the scope and the subject are escaped', async () => {
    const accessToken = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ sub: HOSTILE }))}.`;
    answer('token', { access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope: `people:read${OSC52}` });
    const login = await runCli(ccLogin(['-p', 'evil']), { home: t.home, env: secretEnv() });
    expect(login.code, login.stderr).toBe(0);
    expectEscaped(login, 'stderr', ['people:read\\u001b]52;c;ZXZpbA==\\u0007']);
    const show = await runCli(['token', 'show', '-p', 'evil'], { home: t.home });
    expect(show.code, show.stderr).toBe(0);
    expectEscaped(show, 'stdout', ['people:read\\u001b]52', 'x\\u001b]52;c;ZXZpbA==\\u0007y\\u009b2J']);
    const json = await runCli(['token', 'show', '-p', 'evil', '-o', 'json'], { home: t.home });
    expect(json.code, json.stderr).toBe(0);
    expectEscaped(json, 'stdout', ['\\u009b2J']);
    expect(JSON.parse(json.stdout).subject).toBe(HOSTILE);
  });

  it('an OAuth error description, a -v trace of a text body and a bad endpoint URL are escaped', async () => {
    answer('token', { error: 'invalid_scope', error_description: HOSTILE }, 400);
    const oauth = await runCli(ccLogin(['-p', 'x']), { home: t.home, env: secretEnv() });
    expect(oauth.code).toBe(3);
    expectEscaped(oauth, 'stderr', ['x\\u001b]52']);
    answer('token', { error: 'invalid_scope', error_description: HOSTILE }, 400);
    const oauthJson = await runCli(ccLogin(['-p', 'x', '-o', 'json']), { home: t.home, env: secretEnv() });
    expect(oauthJson.code).toBe(3);
    expectEscaped(oauthJson, 'stderr', ['\\u009b2J']);
    expect(JSON.parse(oauthJson.stderr).error.oauth_error_description).toContain('y\\u009b2J');

    t.fixture.injectFault({ route: 'token', status: 502, contentType: 'text/plain', body: HOSTILE });
    const traced = await runCli(ccLogin(['-p', 'x', '-v']), { home: t.home, env: secretEnv() });
    expect(traced.code).toBe(4);
    expectEscaped(traced, 'stderr', ['x\\u001b]52;c;ZXZpbA==\\u0007y\\u009b2J']);

    const badUrl = await runCli(['login', '--grant', 'client_credentials', '--no-discovery', '--token-url', `not a url${OSC52}`, '--client-id', 'c'], {
      home: t.home,
      env: secretEnv(),
    });
    expect(badUrl.code).toBe(2);
    expectEscaped(badUrl, 'stderr', ['\\u001b]52']);
  });

  it('call -i: header values escaped; the body byte-exact', async () => {
    const body = Buffer.from(`data${OSC52}\u009b`, 'utf8');
    const server = await rawHttpServer(
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nX-Evil: a\x9b2Jb\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]),
    );
    try {
      const { port } = server.address() as { port: number };
      const res = await runCli(['call', '-i', 'GET', `http://127.0.0.1:${port}/x`], { home: t.home, env: secretEnv() });
      expect(res.code, res.stderr).toBe(0);
      const end = res.stdout.indexOf('\n\n');
      const head = res.stdout.slice(0, end);
      expect(head).toContain('x-evil: a\\u009b2Jb');
      expect(head).not.toMatch(RAW_CONTROL);
      expect(res.stdout.slice(end + 2)).toBe(body.toString('utf8')); // the data, raw controls and all
    } finally {
      server.close();
    }
  });
});

describe('children and URLs', () => {
  it('device flow: user code and URIs escaped; the browser gets the re-serialised URL and no secrets', async () => {
    const { record, browserCommand, read } = await recordingBrowser();
    t.fixture.injectFault({
      route: 'device_authorization',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        device_code: 'dc-1',
        user_code: `AB${OSC52}CD\nhint: evil`,
        verification_uri: `https://device.example/enter${OSC52}`,
        verification_uri_complete: 'https://device.example/enter?code=AB CD&x="\'`',
        expires_in: 5,
        interval: 1,
      }),
    });
    const res = await runCli(
      ['login', '--grant', 'device_code', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.device.id, '--browser-command', browserCommand],
      { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: 's3cret-in-env', OAUTHCTL_PASSWORD: 'pa55-in-env', RECORD_MARKER: 'kept' } },
    );
    expect([3, 4]).toContain(res.code); // the device code is made up: the token endpoint refuses it
    expectEscaped(res, 'stderr', ['AB\\u001b]52;c;ZXZpbA==\\u0007CD hint: evil']);
    expect(res.stderr).toContain('https://device.example/enter%1B]52;c;ZXZpbA==\n'); // trailing controls: stripped by the URL parser
    const seen = read();
    expect(seen.argv.at(-1)).toBe("https://device.example/enter?code=AB%20CD&x=%22%27`");
    expect(seen.env.RECORD_MARKER).toBe('kept');
    expect(seen.env).not.toHaveProperty('OAUTHCTL_CLIENT_SECRET');
    expect(seen.env).not.toHaveProperty('OAUTHCTL_PASSWORD');
    expect(JSON.stringify(seen)).not.toContain('s3cret-in-env');
    record.cleanup();
  });

  it("the callback's error and error_description are escaped; the browser command and `open` inherit no secrets", async () => {
    const { record, browserCommand, read, wwwBrowserPath } = await recordingBrowser(HOSTILE);
    const login = (extra: string[], env: Record<string, string | undefined>) =>
      runCli(['login', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid', ...extra], {
        home: t.home,
        env: { OAUTHCTL_CLIENT_SECRET: 's3cret-in-env', OAUTHCTL_PASSWORD: 'pa55-in-env', ...env },
      });
    const viaCommand = await login(['--browser-command', browserCommand], {});
    expect(viaCommand.code).toBe(3);
    expectEscaped(viaCommand, 'stderr', ['x\\u001b]52;c;ZXZpbA==\\u0007y\\u009b2J']);
    const seen = read();
    expect(new URL(seen.argv.at(-1) as string).href).toBe(seen.argv.at(-1));
    expect(seen.env).not.toHaveProperty('OAUTHCTL_CLIENT_SECRET');
    expect(seen.env).not.toHaveProperty('OAUTHCTL_PASSWORD');

    // No browser command: the `open` package (xdg-open here), which finds `www-browser` on PATH.
    const viaOpen = await login([], { PATH: `${wwwBrowserPath}:${process.env.PATH}`, DISPLAY: undefined, BROWSER: undefined, XDG_CURRENT_DESKTOP: undefined, WAYLAND_DISPLAY: undefined });
    expect(viaOpen.code, viaOpen.stderr).toBe(3);
    const opened = read();
    expect(opened.argv.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
    expect(opened.env).not.toHaveProperty('OAUTHCTL_CLIENT_SECRET');
    expect(opened.env).not.toHaveProperty('OAUTHCTL_PASSWORD');
    record.cleanup();
  });
});

// ---------------------------------------------------------------------------------------------

async function recordingBrowser(callbackError?: string) {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { fileURLToPath } = await import('node:url');
  const dir = mkdtempSync(join(tmpdir(), 'oauthctl-browser-'));
  const file = join(dir, 'seen.json');
  const script = fileURLToPath(new URL('../fixtures/recording-browser.mjs', import.meta.url));
  const errorArg = callbackError === undefined ? '' : ` ${b64url(callbackError)}`;
  const browserCommand = `${process.execPath} ${script} ${file}${errorArg}`;
  const bin = join(dir, 'bin');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(bin);
  writeFileSync(join(bin, 'www-browser'), `#!/bin/sh\nexec ${browserCommand} "$@"\n`);
  chmodSync(join(bin, 'www-browser'), 0o755);
  return {
    browserCommand,
    wwwBrowserPath: bin,
    read: (): { argv: string[]; env: Record<string, string> } => {
      const seen = JSON.parse(readFileSync(file, 'utf8'));
      rmSync(file);
      return seen;
    },
    record: { cleanup: () => rmSync(dir, { recursive: true, force: true }) },
  };
}

/** A server that answers every connection with `response`, byte for byte. */
function rawHttpServer(response: Buffer): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      socket.once('data', () => socket.end(response));
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

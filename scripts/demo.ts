/**
 * `npm run demo`: starts the embedded authorization server (oidc-provider) and the /people API on
 * loopback, then runs the built CLI against them, printing each command before its output.
 * Uses a throw-away OAUTHCTL_HOME; stops everything it started, whatever happens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { startFixture } from '../test/fixtures/server.js';
import { CHROMIUM_PATH, chromiumBrowserCommand } from '../test/support/chromium.js';

const BIN = fileURLToPath(new URL('../bin/oauthctl.js', import.meta.url));
const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

const fixture = await startFixture();
const home = mkdtempSync(join(tmpdir(), 'oauthctl-demo-'));
const env = { ...process.env, OAUTHCTL_HOME: home };
let failed = 0;

/**
 * Runs one CLI command as a user would, showing it first; returns its stdout. Asynchronous: the
 * servers live in this process and must keep answering while the CLI runs.
 */
async function step(
  title: string,
  args: string[],
  opts: { secretEnv?: string; env?: Record<string, string>; show?: string; capture?: boolean; expectExit?: number; stdin?: 'inherit' } = {},
): Promise<string> {
  const shown = opts.show ?? `oauthctl ${args.map((a) => (/[\s"'$]/.test(a) ? `'${a}'` : a)).join(' ')}`;
  process.stdout.write(`\n${bold(`# ${title}`)}\n${bold('$')} ${shown}\n`);
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...env, ...opts.env, ...(opts.secretEnv ? { OAUTHCTL_CLIENT_SECRET: opts.secretEnv } : {}) },
    stdio: [opts.stdin ?? 'ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'],
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (opts.capture) process.stdout.write(stdout);
  if (code !== (opts.expectExit ?? 0)) {
    failed++;
    process.stdout.write(`(exit ${code})\n`);
  }
  return stdout;
}

/** The same JWT with its `sub` claim changed and the original signature kept. */
function forge(jwt: string): string {
  const [h, p, sig] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  return `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${sig}`;
}

/**
 * The browser for the authorization-code step: the system's own where there is a display (sign in
 * as alice / wonderland), else headless Chromium driven by playwright-core, else (no Chromium
 * installed) the fixture's scripted user agent.
 */
let chosenBrowser: string | undefined;
function browserCommand(): string {
  chosenBrowser ??= chooseBrowser();
  return chosenBrowser;
}

function chooseBrowser(): string {
  if (process.env.DISPLAY || process.platform === 'darwin' || process.platform === 'win32') {
    process.stdout.write('(sign in as alice / wonderland in the browser that opens)\n');
    return process.env.BROWSER ?? '';
  }
  if (existsSync(CHROMIUM_PATH)) {
    process.stdout.write('(no display: headless Chromium signs in as alice)\n');
    return chromiumBrowserCommand();
  }
  process.stdout.write('(no display and no Chromium: a scripted user agent signs in as alice)\n');
  return `${process.execPath} --import tsx ${fileURLToPath(new URL('../test/fixtures/fake-browser.ts', import.meta.url))}`;
}

try {
  const { confidentialBasic: cc, privateKeyJwt: pk } = fixture.clients;
  process.stdout.write(`${bold('oauthctl demo')}: authorization server ${fixture.issuer}, API ${fixture.apiBaseUrl}\n`);
  process.stdout.write(`OAUTHCTL_HOME=${home}\n`);

  await step('What does the server support?', ['discover', fixture.issuer]);
  await step(
    'Log in as a service (client_credentials), flags only; the secret comes from the environment',
    ['login', '--grant', 'client_credentials', '--issuer', fixture.issuer, '--client-id', cc.id, '--scope', 'people:read'],
    { secretEnv: cc.secret, show: `OAUTHCTL_CLIENT_SECRET=… oauthctl login --grant client_credentials --issuer ${fixture.issuer} --client-id ${cc.id} --scope people:read` },
  );
  await step('What is stored?', ['token', 'show']);
  await step('Log in as a person: authorization code + PKCE through the browser', ['login', '-p', 'alice', '--issuer', fixture.issuer, '--client-id', fixture.clients.publicNative.id, '--scope', 'openid profile email offline_access'], {
    env: { BROWSER: browserCommand() },
  });
  await step('Who is it?', ['token', 'show', '-p', 'alice']);
  await step(
    'The password grant, for test users (the password comes from OAUTHCTL_PASSWORD and is never stored)',
    ['login', '-p', 'bob', '--grant', 'password', '--issuer', fixture.issuer, '--client-id', cc.id, '--username', 'bob', '--scope', 'openid email'],
    { secretEnv: cc.secret, env: { OAUTHCTL_PASSWORD: 'builder' }, show: `OAUTHCTL_PASSWORD=… oauthctl login -p bob --grant password --issuer ${fixture.issuer} --client-id ${cc.id} --username bob --scope 'openid email'` },
  );
  await step('The token, for scripts: $(oauthctl token)', ['token'], { capture: true });
  await step('Call the API with it (Bearer header; a 401 would renew the token once)', ['call', 'GET', '/people', '--base-url', fixture.apiBaseUrl]);
  await step('Ask the server about alice\'s access token (RFC 7662)', ['introspect', '-p', 'alice']);
  await step('Her OpenID Connect UserInfo', ['userinfo', '-p', 'alice']);
  await step('Can each profile produce a token without anyone? (offline; exit 5 would mean a login is needed)', ['status', '-p', 'alice']);
  await step('The same for the service, as JSON', ['status', '-o', 'json']);
  await step('The token as a header line, for curl -H @<(…)', ['token', '--format', 'header', '-p', 'alice'], { capture: true });
  await step('The token handed to a program in its environment, never in its arguments (exec)', [
    'exec', '-p', 'alice', '--', 'sh', '-c', 'echo "the child got a ${#OAUTHCTL_ACCESS_TOKEN}-character $OAUTHCTL_TOKEN_TYPE token, expiring at $OAUTHCTL_TOKEN_EXPIRES_AT"',
  ]);
  const narrow = (
    await step('A narrower token for one call: scope openid only, through her refresh token; cached beside her own', ['token', '-p', 'alice', '--scope', 'openid'], { capture: true })
  ).trim();
  await step('The server confirms its scope (her own token keeps all of hers)', ['introspect', narrow, '-p', 'alice', '-o', 'json'], {
    show: 'oauthctl introspect "$(oauthctl token -p alice --scope openid)" -p alice -o json',
  });
  await step('Refresh her tokens now (the refresh token rotates)', ['token', 'refresh', '-p', 'alice']);
  await step('Revoke them at the server (RFC 7009) and forget them', ['token', 'revoke', '-p', 'alice']);
  await step('Introspection of what is left: nothing stored, so login is required (exit 5 is expected)', ['introspect', '-p', 'alice'], { expectExit: 5 });
  await step(
    'A client that authenticates with a private key (RFC 7523), asking for a JWT access token',
    ['login', '-p', 'jwt', '--grant', 'client_credentials', '--issuer', fixture.issuer, '--client-id', pk.id, '--private-key', pk.privateKeyPem, '--resource', fixture.jwtResource, '--scope', 'people:read'],
  );
  const jwt = (await step('Its access token', ['token', '-p', 'jwt'], { capture: true })).trim();
  await step('Look inside it', ['decode', jwt], { show: 'oauthctl decode "$(oauthctl token -p jwt)"' });
  await step('The same as JSON', ['decode', '-o', 'json', jwt], { show: 'oauthctl decode -o json "$(oauthctl token -p jwt)"' });
  await step('Verify its signature and claims against the server\'s keys', ['verify', jwt, '--issuer', fixture.issuer, '--audience', fixture.jwtResource], {
    show: `oauthctl verify "$(oauthctl token -p jwt)" --issuer ${fixture.issuer} --audience ${fixture.jwtResource}`,
  });
  await step('A token with a forged claim fails verification (exit 7 is expected)', ['verify', forge(jwt), '--issuer', fixture.issuer], {
    show: `oauthctl verify "<the same token with sub changed>" --issuer ${fixture.issuer}`,
    expectExit: 7,
  });
  const ex = fixture.clients.exchangerBasic;
  await step(
    'Token exchange (RFC 8693): trade the default profile\'s token for one for another audience',
    ['login', '-p', 'billing', '--grant', 'token_exchange', '--issuer', fixture.issuer, '--client-id', ex.id, '--subject-token', 'profile:default', '--audience', 'https://billing.example'],
    { secretEnv: ex.secret, show: `OAUTHCTL_CLIENT_SECRET=… oauthctl login -p billing --grant token_exchange --issuer ${fixture.issuer} --client-id ${ex.id} --subject-token profile:default --audience https://billing.example` },
  );
  await step('It keeps the issued_token_type, and where the subject token came from (for renewal)', ['token', 'show', '-p', 'billing']);
  const exchanged = (await step('The exchanged token', ['token', '-p', 'billing'], { capture: true })).trim();
  await step('Its audience is the one asked for', ['decode', exchanged], { show: 'oauthctl decode "$(oauthctl token -p billing)"' });
  await step(
    'Keyless CI: the GitHub Actions ID token (here the fixture\'s emulator) exchanged for an access token',
    ['login', '-p', 'ci', '--grant', 'token_exchange', '--issuer', fixture.issuer, '--client-id', fixture.clients.exchangerPublic.id, '--client-auth', 'none', '--subject-token', 'github-actions', '--subject-audience', fixture.issuer, '--audience', 'https://deploy.example'],
    { env: { ACTIONS_ID_TOKEN_REQUEST_URL: fixture.ciIssuer.actionsRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: fixture.ciIssuer.actionsRequestToken } },
  );
  await step(
    'A service account signs its own assertion (RFC 7523 JWT bearer grant); every renewal signs a new one',
    ['login', '-p', 'sa', '--grant', 'jwt_bearer', '--issuer', fixture.issuer, '--client-id', fixture.clients.exchangerPublic.id, '--client-auth', 'none', '--private-key', pk.privateKeyPem, '--scope', 'people:read'],
  );
  await step('Its token calls the API', ['call', 'GET', '/people', '-p', 'sa', '--base-url', fixture.apiBaseUrl]);
  await step(
    'A device without a browser: the device-code grant (the approval happens in the browser on "another device")',
    ['login', '-p', 'tv', '--grant', 'device_code', '--issuer', fixture.issuer, '--client-id', fixture.clients.device.id, '--scope', 'openid offline_access'],
    { env: { BROWSER: browserCommand(), OAUTHCTL_TEST_DEVICE: '1' } },
  );
  await step('Everything stored, per profile', ['token', 'show', '-p', 'tv']);
  await step(
    'The legacy implicit grant, for old servers (it warns: OAuth 2.1 removes it)',
    ['login', '-p', 'legacy', '--grant', 'implicit', '--issuer', fixture.issuer, '--client-id', fixture.clients.implicit.id, '--scope', 'openid profile'],
    { env: { BROWSER: browserCommand() } },
  );

  // Zero configuration (RFC 7591 registration, RFC 9728 resource metadata, step-up).
  await step('Register a client of our own at the server (RFC 7591); its secrets go to the token store', ['register', '-p', 'mine', '--issuer', fixture.issuer]);
  await step('…and delete the registration again (RFC 7592) with the profile', ['profile', 'remove', 'mine', '--unregister']);
  const api = `${fixture.apiBaseUrl}/mcp`;
  await step('Given only an API URL: what protects it? (RFC 9728)', ['discover', '--resource', api]);
  await step('From that URL to a profile, registering a client on the way', ['profile', 'add', 'mcp', '--from-resource', api, '--register']);
  await step('Log in with it, nothing else given', ['login', '-p', 'mcp'], { env: { BROWSER: browserCommand() } });
  await step('Call the API', ['call', 'GET', '/people', '-p', 'mcp']);
  const tty = process.stdin.isTTY && process.stderr.isTTY;
  await step(
    tty
      ? '/admin needs the scope people:write: call logs in once more asking for it, then repeats the request (step-up)'
      : '/admin needs the scope people:write: without a terminal, call names the login to run (exit 5 is expected)',
    ['call', 'GET', '/admin', '-p', 'mcp'],
    { env: { BROWSER: browserCommand() }, stdin: 'inherit', expectExit: tty ? 0 : 5 },
  );

  // DPoP (RFC 9449): a token bound to a key kept in the token store.
  const bank = fixture.clients.dpopBound;
  await step('This client gets only DPoP-bound tokens: a login without --dpop is refused (exit 3 is expected)', ['login', '-p', 'bank', '--grant', 'client_credentials', '--issuer', fixture.issuer, '--client-id', bank.id, '--scope', 'people:read'], {
    secretEnv: bank.secret,
    expectExit: 3,
  });
  await step('DPoP login: a new key pair for the profile; every token request carries a proof', ['login', '-p', 'bank', '--dpop', '--grant', 'client_credentials', '--issuer', fixture.issuer, '--client-id', bank.id, '--scope', 'people:read'], {
    secretEnv: bank.secret,
  });
  await step('The token is bound to the key\'s thumbprint', ['token', 'show', '-p', 'bank']);
  await step('A DPoP call: Authorization: DPoP plus a fresh proof, which the API verifies', ['call', 'GET', '/people', '-p', 'bank', '--base-url', fixture.apiBaseUrl]);
  const proof = (await step('One proof for another tool (curl -H "DPoP: …")', ['token', 'proof', 'GET', `${fixture.apiBaseUrl}/people`, '-p', 'bank'], { capture: true })).trim();
  await step('Look inside the proof', ['decode', proof], { show: `oauthctl decode "$(oauthctl token proof GET ${fixture.apiBaseUrl}/people -p bank)"` });

  // PAR (RFC 9126): this client's requests must be pushed; the browser sees only a reference.
  await step('PAR login: the request is pushed first; the browser gets only client_id and request_uri', ['login', '-p', 'par', '--par', '--issuer', fixture.issuer, '--client-id', fixture.clients.parRequired.id, '--scope', 'openid'], {
    env: { BROWSER: browserCommand() },
  });
} finally {
  await fixture.close();
  rmSync(home, { recursive: true, force: true });
}

process.stdout.write(failed ? `\n${failed} step(s) failed\n` : `\n${bold('Demo complete.')}\n`);
process.exitCode = failed ? 1 : 0;

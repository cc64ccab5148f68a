/**
 * SPEC "More grants": `login --grant token_exchange` (RFC 8693) through the built CLI against the
 * fixture's oidc-provider, whose exchange validates the subject token (its own access tokens, ID
 * tokens of its own and of a second issuer standing in for a CI platform).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from './cli.js';
import { claims, expireStored, storedEntry, URN } from './more-grants-helpers.js';

const t = useFixture();
const x = () => t.fixture.clients.exchangerBasic;
const secretEnv = () => ({ OAUTHCTL_CLIENT_SECRET: x().secret });
const lastExchange = () => t.fixture.grantLog.exchanges.at(-1);

function exchange(extra: string[]): string[] {
  return ['login', '--grant', 'token_exchange', '--issuer', t.fixture.issuer, '--client-id', x().id, ...extra];
}

/** An ID token of the second issuer, for this provider (its URL is the audience it accepts). */
const ciToken = (opts?: { expiresIn?: number; key?: 'issuer' | 'stranger' }, aud = t.fixture.issuer) => t.fixture.ciIssuer.mint({ aud }, opts);

/** A client_credentials token set stored under `profile` (saved as a profile too). */
async function sourceProfile(profile: string): Promise<void> {
  const c = t.fixture.clients.confidentialBasic;
  const add = await runCli(['profile', 'add', profile, '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c.id, '--scope', 'people:read', '--client-secret-stdin'], {
    home: t.home,
    input: c.secret,
  });
  expect(add.code, add.stderr).toBe(0);
  const login = await runCli(['login', '-p', profile], { home: t.home });
  expect(login.code, login.stderr).toBe(0);
}

describe('login --grant token_exchange', () => {
  it('exchanges an ID token for a token for another audience; keeps and shows issued_token_type', async () => {
    const subject = await ciToken();
    const file = join(t.home, 'ci.jwt');
    writeFileSync(file, subject);
    const res = await runCli([...exchange(['--subject-token', `@${file}`, '--subject-token-type', 'id_token', '--audience', 'https://api.example']), '-o', 'json'], {
      home: t.home,
      env: secretEnv(),
    });
    expect(res.code, res.stderr).toBe(0);
    const set = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(set.issued_token_type).toBe(URN('access_token'));
    const access = claims(set.access_token as string);
    expect(access).toMatchObject({ aud: 'https://api.example', sub: 'repo:oauthctl-org/oauthctl:ref:refs/heads/main', client_id: x().id });
    expect(lastExchange()).toMatchObject({ subject_token_type: URN('id_token'), audience: ['https://api.example'], subject_jti: claims(subject).jti });

    const show = await runCli(['token', 'show', '-o', 'json'], { home: t.home });
    expect(JSON.parse(show.stdout)).toMatchObject({ issued_token_type: URN('access_token'), client_id: x().id });
    const text = await runCli(['token', 'show'], { home: t.home });
    expect(text.stdout).toMatch(/Issued type\s+urn:ietf:params:oauth:token-type:access_token/);
    // The source is kept by description, never the token it held.
    const stored = readFileSync(join(t.home, 'tokens.json'), 'utf8');
    expect(stored).toContain(`@${file}`);
    expect(stored).not.toContain(subject);
  });

  it('maps short type names to URNs and honours requested_token_type', async () => {
    const res = await runCli(
      [...exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'jwt', '--requested-token-type', 'jwt']), '-o', 'json'],
      { home: t.home, env: { ...secretEnv(), CI_TOKEN: await ciToken() } },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(lastExchange()).toMatchObject({ subject_token_type: URN('jwt'), requested_token_type: URN('jwt') });
    const set = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(set.issued_token_type).toBe(URN('jwt'));
    expect(claims(set.access_token as string).aud).toBe(x().id);

    const id = await runCli([...exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token', '--requested-token-type', URN('id_token')]), '-o', 'json'], {
      home: t.home,
      env: { ...secretEnv(), CI_TOKEN: await ciToken() },
    });
    expect(id.code, id.stderr).toBe(0);
    const idSet = JSON.parse(id.stdout) as Record<string, unknown>;
    expect(idSet).toMatchObject({ issued_token_type: URN('id_token'), token_type: 'N_A' });
    expect(claims(idSet.access_token as string)).toMatchObject({ iss: t.fixture.issuer, aud: x().id });
  });

  it('refuses an unknown token type (exit 2, naming it) before any request', async () => {
    const before = t.fixture.grantLog.exchanges.length;
    const res = await runCli(exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'sam12']), { home: t.home, env: { ...secretEnv(), CI_TOKEN: 'x' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^oauthctl: .*unknown token type 'sam12'.*subject_token_type/m);
    expect(res.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(t.fixture.grantLog.exchanges.length).toBe(before);
  });

  it('exits 3 with the server\'s error when the subject token is not valid (signature, audience, expiry)', async () => {
    const cases: [string, string][] = [
      [await ciToken({ key: 'stranger' }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
      [await ciToken({}, 'https://someone-else'), 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
      [await ciToken({ expiresIn: -60 }), 'ERR_JWT_EXPIRED'],
    ];
    for (const [subject, why] of cases) {
      const res = await runCli(exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token']), { home: t.home, env: { ...secretEnv(), CI_TOKEN: subject } });
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(/invalid_grant/);
      expect(lastExchange()?.detail).toContain(why);
      expect(res.stderr).not.toContain(subject);
    }
    expect(existsSync(join(t.home, 'tokens.json')) ? storedEntry(t.home).tokens : undefined).toBeUndefined();
  });

  it('accepts an answer without issued_token_type, with a warning', async () => {
    t.fixture.setExchangeQuirks({ omitIssuedTokenType: true });
    try {
      const res = await runCli([...exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token']), '-o', 'json'], {
        home: t.home,
        env: { ...secretEnv(), CI_TOKEN: await ciToken() },
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toMatch(/warning: .*no issued_token_type/);
      expect(JSON.parse(res.stdout)).not.toHaveProperty('issued_token_type');
    } finally {
      t.fixture.setExchangeQuirks({ omitIssuedTokenType: false });
    }
  });
});

describe('renewal of exchanged tokens', () => {
  it('runs the exchange again after expiry, re-reading the rotated @FILE (the server sees the new token)', async () => {
    const file = join(t.home, 'sa-token');
    const first = await ciToken();
    writeFileSync(file, `${first}\n`);
    const login = await runCli(exchange(['--subject-token', `@${file}`, '--subject-token-type', 'id_token', '--audience', 'https://api.example']), { home: t.home, env: secretEnv() });
    expect(login.code, login.stderr).toBe(0);
    const old = (await runCli(['token'], { home: t.home })).stdout.trim();

    const second = await ciToken();
    writeFileSync(file, second); // the kubelet rotated the projected token
    expireStored(t.home);
    const status = await runCli(['status', '-o', 'json'], { home: t.home });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ profiles: [{ profile: 'default', state: 'renewable' }] });
    const before = t.fixture.grantLog.exchanges.length;
    const requests = () => Object.values(t.fixture.stats.endpointRequests).reduce((a, b) => a + b, 0);
    const sent = requests();
    const tokenRequests = t.fixture.stats.endpointRequests.token ?? 0;
    const renewed = await runCli(['token'], { home: t.home, env: secretEnv() });
    expect(renewed.code, renewed.stderr).toBe(0);
    // One request: the exchange itself (no discovery, nothing else).
    expect(requests()).toBe(sent + 1);
    expect(t.fixture.stats.endpointRequests.token).toBe(tokenRequests + 1);
    expect(renewed.stdout.trim()).not.toBe(old);
    expect(t.fixture.grantLog.exchanges.length).toBe(before + 1);
    expect(lastExchange()).toMatchObject({ subject_jti: claims(second).jti, audience: ['https://api.example'] });
    expect(claims(renewed.stdout.trim()).aud).toBe('https://api.example');
  });

  it('renews without the secret given again (kept in the store with the set)', async () => {
    const login = await runCli(exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token']), { home: t.home, env: { ...secretEnv(), CI_TOKEN: await ciToken() } });
    expect(login.code, login.stderr).toBe(0);
    expireStored(t.home);
    const renewed = await runCli(['token'], { home: t.home, env: { CI_TOKEN: await ciToken() } });
    expect(renewed.code, renewed.stderr).toBe(0);
  });

  it('never keeps a literal or stdin subject token: an expired one is exit 5', async () => {
    const subject = await ciToken();
    const literal = await runCli(exchange(['--subject-token', subject, '--subject-token-type', 'id_token']), { home: t.home, env: secretEnv() });
    expect(literal.code, literal.stderr).toBe(0);
    expect(literal.stderr).toMatch(/warning: --subject-token with the token itself is visible in process lists/);
    expect(readFileSync(join(t.home, 'tokens.json'), 'utf8')).not.toContain(subject);
    expireStored(t.home);
    const expired = await runCli(['token'], { home: t.home });
    expect(expired.code).toBe(5);
    expect(expired.stderr).toMatch(/cannot be renewed.*cannot be read again/);
    const status = await runCli(['status', '-o', 'json'], { home: t.home });
    expect(status.code).toBe(5);
    expect(JSON.parse(status.stdout)).toMatchObject({ profiles: [{ profile: 'default', state: 'expired' }] });

    const piped = await ciToken();
    const stdin = await runCli(exchange(['--subject-token', '-', '--subject-token-type', 'id_token', '-p', 'piped']), { home: t.home, env: secretEnv(), input: `${piped}\nignored second line\n` });
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(lastExchange()?.subject_jti).toBe(claims(piped).jti);
    expect(readFileSync(join(t.home, 'tokens.json'), 'utf8')).not.toContain(piped);
    expect(JSON.stringify(storedEntry(t.home, 'piped'))).not.toContain('"subject_token"');
  });

  it('uses profile:NAME (renewing that profile first) and exchanges its new token', async () => {
    await sourceProfile('src');
    const add = await runCli(['profile', 'add', 'dst', '--grant', 'token_exchange', '--issuer', t.fixture.issuer, '--client-id', x().id, '--subject-token', 'profile:src', '--audience', 'https://api.example', '--client-secret-stdin'], {
      home: t.home,
      input: x().secret,
    });
    expect(add.code, add.stderr).toBe(0);
    const login = await runCli(['login', '-p', 'dst'], { home: t.home });
    expect(login.code, login.stderr).toBe(0);
    expect(lastExchange()).toMatchObject({ subject_token_type: URN('access_token'), subject_sub: t.fixture.clients.confidentialBasic.id });
    const firstJti = lastExchange()?.subject_jti;

    expireStored(t.home, 'src');
    expireStored(t.home, 'dst');
    const cc = t.fixture.stats.tokenRequests.client_credentials ?? 0;
    const renewed = await runCli(['token', '-p', 'dst'], { home: t.home });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(t.fixture.stats.tokenRequests.client_credentials).toBe(cc + 1);
    const srcToken = (await runCli(['token', '-p', 'src'], { home: t.home })).stdout.trim();
    expect(lastExchange()?.subject_jti).not.toBe(firstJti);
    expect(lastExchange()?.error).toBeUndefined();
    expect(srcToken).not.toBe('');
    expect(claims(renewed.stdout.trim()).aud).toBe('https://api.example');
  });

  it('profile:NAME#id_token sends that profile\'s ID token as an id_token; then refreshes with the refresh token', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const alice = await runCli(['login', '-p', 'alice', '--grant', 'password', '--issuer', t.fixture.issuer, '--client-id', c.id, '--username', 'alice', '--scope', 'openid offline_access'], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: c.secret, OAUTHCTL_PASSWORD: 'wonderland' },
    });
    expect(alice.code, alice.stderr).toBe(0);
    const res = await runCli(['-o', 'json', ...exchange(['--subject-token', 'profile:alice#id_token', '--scope', 'openid offline_access'])], { home: t.home, env: secretEnv() });
    expect(res.code, res.stderr).toBe(0);
    expect(lastExchange()).toMatchObject({ subject_token_type: URN('id_token'), subject_sub: 'alice' });
    expect(JSON.parse(res.stdout)).toHaveProperty('refresh_token');

    expireStored(t.home);
    const exchanges = t.fixture.grantLog.exchanges.length;
    const refreshes = t.fixture.stats.tokenRequests.refresh_token ?? 0;
    const renewed = await runCli(['token'], { home: t.home });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(t.fixture.stats.tokenRequests.refresh_token).toBe(refreshes + 1);
    expect(t.fixture.grantLog.exchanges.length).toBe(exchanges);
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show.issued_token_type).toBe(URN('access_token'));
  });

  it('profile:NAME that is not logged in is exit 5 naming NAME', async () => {
    const res = await runCli(exchange(['--subject-token', 'profile:nobody']), { home: t.home, env: secretEnv() });
    expect(res.code).toBe(5);
    expect(res.stderr).toMatch(/^oauthctl: .*profile:nobody.*'nobody'/m);
  });
});

describe('token sources', () => {
  it('github-actions: fetches the job\'s ID token for --subject-audience and exchanges it as an id_token', async () => {
    const ci = t.fixture.ciIssuer;
    const res = await runCli([...exchange(['--subject-token', 'github-actions', '--subject-audience', t.fixture.issuer, '--audience', 'https://deploy.example']), '-v'], {
      home: t.home,
      env: { ...secretEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: ci.actionsRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.actionsRequestToken },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(ci.actionsRequests.at(-1)).toBe(t.fixture.issuer);
    expect(lastExchange()).toMatchObject({ subject_token_type: URN('id_token'), subject_sub: 'repo:oauthctl-org/oauthctl:ref:refs/heads/main' });
    expect(res.stderr).not.toContain(ci.actionsRequestToken);
    expect(res.stderr).toContain('"value":"[redacted]"');

    // Renewal fetches a fresh ID token from the job's endpoint.
    expireStored(t.home);
    const count = ci.actionsRequests.length;
    const renewed = await runCli(['token'], { home: t.home, env: { ACTIONS_ID_TOKEN_REQUEST_URL: ci.actionsRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.actionsRequestToken } });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(ci.actionsRequests.length).toBe(count + 1);
  });

  it('github-actions without its variables: exit 2 naming both and the id-token: write permission', async () => {
    const res = await runCli(exchange(['--subject-token', 'github-actions']), { home: t.home, env: secretEnv() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/ACTIONS_ID_TOKEN_REQUEST_URL/);
    expect(res.stderr).toMatch(/ACTIONS_ID_TOKEN_REQUEST_TOKEN/);
    expect(res.stderr).toMatch(/id-token: write/);
  });

  it('bad sources are exit 2 with one line naming the thing', async () => {
    const missing = await runCli(exchange([]), { home: t.home, env: secretEnv() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^oauthctl: .*--subject-token/m);

    const file = join(t.home, 'no-such-token');
    const unreadable = await runCli(exchange(['--subject-token', `@${file}`]), { home: t.home, env: secretEnv() });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(new RegExp(`^oauthctl: cannot read the subject token file ${file}: ENOENT$`, 'm'));

    const unset = await runCli(exchange(['--subject-token', 'env:NOT_SET_ANYWHERE']), { home: t.home, env: secretEnv() });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/^oauthctl: .*NOT_SET_ANYWHERE.*not set$/m);
    for (const r of [missing, unreadable, unset]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('sends an actor token; the issued token says who acts (act)', async () => {
    const actor = join(t.home, 'actor.jwt');
    writeFileSync(actor, await t.fixture.ciIssuer.mint({ aud: t.fixture.issuer, sub: 'deploy-bot' }));
    const res = await runCli(
      [...exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token', '--actor-token', `@${actor}`, '--actor-token-type', 'id_token', '--audience', 'https://api.example']), '-o', 'json'],
      { home: t.home, env: { ...secretEnv(), CI_TOKEN: await ciToken() } },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(lastExchange()).toMatchObject({ actor_sub: 'deploy-bot' });
    expect(claims((JSON.parse(res.stdout) as { access_token: string }).access_token).act).toEqual({ sub: 'deploy-bot' });
  });

  it('sends --resource once per value and --scope; the server\'s answer decides (invalid_target, invalid_scope: exit 3)', async () => {
    const env = { ...secretEnv(), CI_TOKEN: await ciToken() };
    const two = await runCli(exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token', '--resource', t.fixture.jwtResource, '--resource', t.fixture.apiBaseUrl]), { home: t.home, env });
    expect(two.code).toBe(3);
    expect(two.stderr).toMatch(/invalid_target/);
    expect(lastExchange()?.resource).toEqual([t.fixture.jwtResource, t.fixture.apiBaseUrl]);

    const one = await runCli([...exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token', '--resource', t.fixture.jwtResource, '--scope', 'people:read']), '-o', 'json'], { home: t.home, env });
    expect(one.code, one.stderr).toBe(0);
    const set = JSON.parse(one.stdout) as { access_token: string; scope: string };
    expect(claims(set.access_token)).toMatchObject({ aud: t.fixture.jwtResource, scope: 'people:read' });
    const call = await runCli(['call', 'GET', `${t.fixture.apiBaseUrl}/people`], { home: t.home });
    expect(call.code, call.stderr).toBe(0);

    await sourceProfile('narrow');
    const self = await runCli(exchange(['--subject-token', 'profile:narrow']), { home: t.home, env }); // narrow is now the current profile
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/profile:narrow names the profile being logged in/);
    const wider = await runCli(exchange(['-p', 'wide', '--subject-token', 'profile:narrow', '--scope', 'openid']), { home: t.home, env });
    expect(wider.code).toBe(3);
    expect(wider.stderr).toMatch(/invalid_scope/);
  });

  it('never shows a subject token under -v or in errors', async () => {
    const subject = await ciToken();
    const res = await runCli([...exchange(['--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token']), '-v', '-o', 'json'], { home: t.home, env: { ...secretEnv(), CI_TOKEN: subject } });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('subject_token=[redacted]');
    expect(res.stderr).not.toContain(subject);
    expect(res.stderr).not.toContain((JSON.parse(res.stdout) as { access_token: string }).access_token);
  });
});

describe('profiles with token sources', () => {
  it('keeps the source in config.json and refuses a literal token or stdin there', async () => {
    const file = join(t.home, 'sa');
    writeFileSync(file, await ciToken());
    const add = await runCli(['profile', 'add', 'k8s', '--grant', 'token_exchange', '--token-url', `${t.fixture.issuer}/token`, '--client-id', x().id, '--subject-token', `@${file}`, '--subject-token-type', 'id_token', '--client-secret-stdin'], {
      home: t.home,
      input: x().secret,
    });
    expect(add.code, add.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8')) as { profiles: Record<string, Record<string, unknown>> };
    expect(config.profiles.k8s).toMatchObject({ grant: 'token_exchange', subject_token: `@${file}`, subject_token_type: 'id_token' });
    const login = await runCli(['login', '-p', 'k8s'], { home: t.home });
    expect(login.code, login.stderr).toBe(0);

    const literal = await ciToken();
    for (const source of [literal, '-']) {
      const bad = await runCli(['profile', 'add', 'bad', '--grant', 'token_exchange', '--token-url', `${t.fixture.issuer}/token`, '--client-id', x().id, '--subject-token', source], { home: t.home });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^oauthctl: --subject-token: a profile keeps where a token comes from, never the token itself/m);
      expect(bad.stderr).not.toContain(literal);
    }
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).not.toContain(literal);
  });
});

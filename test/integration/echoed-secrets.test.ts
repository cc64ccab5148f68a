/**
 * Secrets echoed back (SPEC "Safety"): a hostile token endpoint (the fixture's oidc-provider with
 * an injected fault whose body is built from the request) echoes what the CLI sent it — the form
 * body, the Basic `Authorization` header — in its error. Through the built CLI, in the error line,
 * the `-o json` error and the `-v` trace, no form of the secret may appear: raw, percent- or
 * form-encoded, JSON-escaped, inside the Base64 Basic credentials; whatever its length.
 */
import { describe, expect, it } from 'vitest';
import type { EchoedRequest } from '../fixtures/faults.js';
import { runCli, useFixture, type CliResult } from './cli.js';

const t = useFixture();

/** Characters that encode differently in every form (`/`, `+`, `=`, a space, a non-ASCII letter). */
const SECRET = 's3cret/välue+1= x';
/** A password shorter than four characters (the old scrubber skipped those). */
const SHORT_PASSWORD = 'abc';

const percent = (s: string) => encodeURIComponent(s);
const form = (s: string) => new URLSearchParams({ s }).toString().slice(2);
const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1);
const allForms = (s: string) => [
  s,
  percent(s),
  form(s),
  percent(s).toLowerCase(),
  jsonEscaped(s).replaceAll('/', '\\/'),
  jsonEscaped(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  Buffer.from(s).toString('base64'),
];

type Mode = 'text' | 'json' | 'verbose';
const MODE_FLAGS: Record<Mode, string[]> = { text: [], json: ['-o', 'json'], verbose: ['-v'] };

interface EchoCase {
  name: string;
  args: () => string[];
  env: () => Record<string, string>;
  /** The hostile answer, built from what the CLI sent. */
  echo: (req: EchoedRequest) => { status: number; contentType: string; body: string };
  code: 3 | 4;
  /** Strings that must appear nowhere in stdout or stderr. */
  forbidden: (sent: EchoedRequest) => string[];
  /** Modes in which the echo reaches the output at all (so `[redacted]` must show there). */
  shownIn: Mode[];
}

const oauthError = (description: string) => ({
  status: 400,
  contentType: 'application/json',
  body: JSON.stringify({ error: 'invalid_client', error_description: description }),
});

const cc = (clientId: string, auth: string) => [
  'login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', clientId, '--client-auth', auth, '--scope', 'people:read',
];

const CASES: EchoCase[] = [
  {
    name: 'client_secret_post: the form body echoed (client_secret percent-encoded)',
    args: () => cc(t.fixture.clients.confidentialPost.id, 'client_secret_post'),
    env: () => ({ OAUTHCTL_CLIENT_SECRET: SECRET }),
    echo: (req) => oauthError(`cannot parse ${req.body}`),
    code: 3,
    forbidden: () => allForms(SECRET),
    shownIn: ['text', 'json', 'verbose'],
  },
  {
    name: 'client_secret_basic: the Authorization header echoed (Base64 Basic credentials)',
    args: () => cc(t.fixture.clients.confidentialBasic.id, 'client_secret_basic'),
    env: () => ({ OAUTHCTL_CLIENT_SECRET: SECRET }),
    echo: (req) => oauthError(`bad credentials in ${String(req.headers.authorization)}`),
    code: 3,
    forbidden: (req) => [...allForms(SECRET), String(req.headers.authorization).replace(/^Basic /, '')],
    shownIn: ['text', 'json', 'verbose'],
  },
  {
    name: 'password grant: a 3-character password echoed in the form body',
    args: () => ['login', '--grant', 'password', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.confidentialBasic.id, '--username', 'alice', '--scope', 'openid'],
    env: () => ({ OAUTHCTL_CLIENT_SECRET: t.fixture.clients.confidentialBasic.secret, OAUTHCTL_PASSWORD: SHORT_PASSWORD }),
    echo: (req) => oauthError(`you sent ${req.body}; password ${SHORT_PASSWORD} is wrong`),
    code: 3,
    forbidden: () => [`password=${SHORT_PASSWORD}`, ` ${SHORT_PASSWORD} `, t.fixture.clients.confidentialBasic.secret],
    shownIn: ['text', 'json', 'verbose'],
  },
  {
    name: 'a non-JSON 500 quoting the secret JSON-escaped (only -v shows bodies)',
    args: () => cc(t.fixture.clients.confidentialPost.id, 'client_secret_post'),
    env: () => ({ OAUTHCTL_CLIENT_SECRET: SECRET }),
    echo: () => ({
      status: 500,
      contentType: 'text/plain',
      body: `debug: got {"secret": "${jsonEscaped(SECRET).replaceAll('/', '\\/')}"} and {"s": "${allForms(SECRET)[5]}"} raw=${SECRET}`,
    }),
    code: 4,
    forbidden: () => allForms(SECRET),
    shownIn: ['verbose'],
  },
  {
    name: 'client_secret_jwt: the client assertion echoed',
    args: () => cc(t.fixture.clients.secretJwt.id, 'client_secret_jwt'),
    env: () => ({ OAUTHCTL_CLIENT_SECRET: t.fixture.clients.secretJwt.secret }),
    echo: (req) => oauthError(`assertion ${new URLSearchParams(req.body).get('client_assertion') ?? ''} is not acceptable`),
    code: 3,
    forbidden: (req) => [new URLSearchParams(req.body).get('client_assertion') ?? 'missing assertion', 'eyJ'],
    shownIn: ['text', 'json', 'verbose'],
  },
];

describe('a token endpoint that echoes secrets back', () => {
  for (const c of CASES) {
    it.each(['text', 'json', 'verbose'] as const)(`${c.name} (%s)`, async (mode) => {
      let sent: EchoedRequest | undefined;
      // The status and content type are fixed when the fault is armed; the body is built per request.
      const { status, contentType } = c.echo({ method: 'POST', headers: {}, body: '' });
      t.fixture.injectFault({
        route: 'token',
        status,
        contentType,
        body: (req) => {
          sent = req;
          return c.echo(req).body;
        },
      });
      const res: CliResult = await runCli([...c.args(), '--token-store', 'none', ...MODE_FLAGS[mode]], { home: t.home, env: c.env() });
      expect(sent, 'the hostile endpoint was reached').toBeDefined();
      expect(res.code, res.stderr).toBe(c.code);
      const output = `${res.stdout}\n${res.stderr}`;
      for (const secret of c.forbidden(sent as EchoedRequest)) expect(output, `${mode}: ${secret}`).not.toContain(secret);
      if (c.shownIn.includes(mode)) expect(res.stderr).toContain('[redacted]');
      if (mode === 'json') expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: expect.any(String) } });
    });
  }
});

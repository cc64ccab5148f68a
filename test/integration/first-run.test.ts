/**
 * `oauthctl login`'s first-run setup, in a real terminal: tmux runs the BUILT CLI in a pseudo
 * terminal (so stdin and stderr are TTYs and @inquirer/prompts really draws), the test types into
 * it with `send-keys` and reads the screen with `capture-pane`. The fixture runs in this process
 * and keeps answering while the test awaits. Without a TTY (runCli), login exits 2 naming the
 * flags and variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_TMUX, Terminal } from '../support/terminal.js';
import { closedPort, runCli, useFixture } from './cli.js';

const t = useFixture();

function readConfig(home: string): { current?: string; profiles: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
}

// Needs tmux for a real terminal: skipped only on a developer machine without it (CI throws above).
describe.skipIf(!HAVE_TMUX)('login first-run setup in a terminal (tmux)', () => {
  it('asks issuer, client id, grant and a masked secret, saves the profile and logs in', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const term = new Terminal(['login'], { OAUTHCTL_HOME: t.home });
    try {
      await term.answer(/Issuer URL/, t.fixture.issuer);
      await term.waitFor(/found: authorization, token, device, userinfo, introspection, revocation endpoints; PKCE S256/);
      await term.answer(/Client ID/, c.id);

      const grants = await term.waitFor(/Grant[\s\S]*password/);
      expect(grants).toMatch(/❯ authorization_code/); // the default: the server has an authorization endpoint
      expect(grants.indexOf('device_code')).toBeLessThan(grants.indexOf('client_credentials'));
      term.keys('Down');
      term.keys('Down');
      await term.waitFor(/❯ client_credentials/);
      term.keys('Enter');

      await term.waitFor(/Client secret/);
      term.type(c.secret);
      const typed = await term.waitFor(new RegExp(`Client secret.*\\*{${c.secret.length}}`));
      expect(typed).not.toContain(c.secret);
      term.keys('Enter');

      const done = await term.waitFor(/EXIT=\d+/, 30_000);
      expect(done).toMatch(/Saved profile default \(current\) in .*config\.json.*oauthctl profile show/);
      expect(done).toContain(`Logged in as client ${c.id}, profile default`);
      expect(done).toContain('EXIT=0');
      expect(done).not.toMatch(/Scope/); // not asked for client_credentials
      expect(done).not.toContain(c.secret);
    } finally {
      term.kill();
    }

    const config = readConfig(t.home);
    expect(config.current).toBe('default');
    expect(config.profiles.default).toEqual({ issuer: t.fixture.issuer, client_id: c.id, grant: 'client_credentials' });
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).not.toContain(c.secret);

    const token = await runCli(['token'], { home: t.home });
    expect(token.stderr).toBe('');
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^\S{20,}\n$/);
  });

  it('without a discovery document asks for the endpoints, and saves them', async () => {
    const c = t.fixture.clients.confidentialBasic;
    // The resource API answers 404 for /.well-known/…: a server without discovery.
    const term = new Terminal(['login', '-p', 'nodisc'], { OAUTHCTL_HOME: t.home });
    try {
      await term.answer(/Issuer URL/, t.fixture.apiBaseUrl);
      await term.waitFor(/has no discovery document \(404\)/);
      await term.answer(/Token endpoint/, `${t.fixture.issuer}/token`);
      await term.waitFor(/Authorization endpoint \(optional, Enter for none\)/);
      term.keys('Enter');
      await term.answer(/Client ID/, c.id);
      // No authorization or device endpoint: client_credentials is the first choice.
      const grants = await term.waitFor(/❯ client_credentials/);
      expect(grants).not.toContain('authorization_code');
      term.keys('Enter');
      await term.answer(/Client secret/, c.secret);
      const done = await term.waitFor(/EXIT=\d+/, 30_000);
      expect(done).toContain(`Logged in as client ${c.id}, profile nodisc`);
      expect(done).toContain('EXIT=0');
    } finally {
      term.kill();
    }
    expect(readConfig(t.home)).toEqual({
      current: 'nodisc',
      profiles: { nodisc: { issuer: t.fixture.apiBaseUrl, token_endpoint: `${t.fixture.issuer}/token`, client_id: c.id, grant: 'client_credentials' } },
    });
  });

  it('says so when the issuer cannot be reached and asks again; Ctrl+C is exit 130 and saves nothing', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const term = new Terminal(['login'], { OAUTHCTL_HOME: t.home });
    try {
      await term.answer(/Issuer URL/, 'ftp://example.com');
      await term.waitFor(/enter an http\(s\) URL/);
      term.keys('C-u');
      term.type(dead);
      term.keys('Enter');
      const retry = await term.waitFor(/try again \(1\/3\)[\s\S]*Issuer URL/);
      expect(retry.split('\n').filter((l) => l.includes(dead) && l.includes('try again'))).toHaveLength(1);
      await term.answer(/Issuer URL/, ''); // Enter keeps the previous answer (the default)
      await term.waitFor(/try again \(2\/3\)/);
      term.keys('C-c');
      const done = await term.waitFor(/EXIT=\d+/);
      expect(done).toContain('EXIT=130');
    } finally {
      term.kill();
    }
    expect(existsSync(join(t.home, 'config.json'))).toBe(false);
    expect(existsSync(join(t.home, 'tokens.json'))).toBe(false);
  });

  it('profile add asks the same questions (discovery included) for what is missing', async () => {
    const term = new Terminal(['profile', 'add', 'work'], { OAUTHCTL_HOME: t.home });
    try {
      await term.answer(/Issuer URL/, t.fixture.issuer);
      await term.waitFor(/found: authorization, token, device/);
      await term.answer(/Client ID/, t.fixture.clients.publicNative.id);
      await term.waitFor(/❯ authorization_code/);
      term.keys('Enter');
      const done = await term.waitFor(/EXIT=\d+/);
      expect(done).toContain('Saved profile work (current)');
      expect(done).toContain('EXIT=0');
    } finally {
      term.kill();
    }
    expect(readConfig(t.home).profiles.work).toEqual({ issuer: t.fixture.issuer, client_id: t.fixture.clients.publicNative.id, grant: 'authorization_code' });
  });

  it('ends with exit 4 after three unreachable issuers', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const term = new Terminal(['login'], { OAUTHCTL_HOME: t.home });
    try {
      for (let i = 1; i <= 3; i++) {
        await term.waitFor(i === 1 ? /Issuer URL/ : new RegExp(`try again \\(${i - 1}/3\\)[\\s\\S]*Issuer URL`));
        term.keys('C-u');
        term.type(dead);
        term.keys('Enter');
      }
      const done = await term.waitFor(/EXIT=\d+/);
      expect(done).toMatch(/^oauthctl: /m);
      expect(done).toContain('EXIT=4');
    } finally {
      term.kill();
    }
    expect(existsSync(join(t.home, 'config.json'))).toBe(false);
  });
});

describe('login with no profile and no terminal', () => {
  it('exits 2 naming the flags and variables to give, and asks nothing', async () => {
    const res = await runCli(['login'], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^oauthctl: no profile 'default' and no server given$/m);
    expect(res.stderr).toContain('--issuer');
    expect(res.stderr).toContain('OAUTHCTL_ISSUER');
    expect(res.stderr).toContain('--client-id');
    expect(res.stderr).toContain('OAUTHCTL_CLIENT_ID');
    expect(res.stderr).not.toMatch(/Issuer URL/);
    expect(existsSync(join(t.home, 'config.json'))).toBe(false);
  });
});

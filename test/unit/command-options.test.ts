/**
 * "flags → options", tested apart from "options → behaviour": every command's typed options
 * parser, fed what either parser (fast path or commander) hands it. Bad values fail here, before
 * any session, file or request exists.
 */
import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../src/cli/command.js';
import { parseCompletionOptions } from '../../src/cli/commands/completion.js';
import { parseDecodeOptions } from '../../src/cli/commands/decode.js';
import { parseDiscoverOptions } from '../../src/cli/commands/discover.js';
import { parseIntrospectOptions } from '../../src/cli/commands/introspect.js';
import { parseLoginOptions } from '../../src/cli/commands/login.js';
import { parseLogoutOptions } from '../../src/cli/commands/logout.js';
import { parseProfileAddOptions } from '../../src/cli/commands/profile-add.js';
import { parseRegisterCommandOptions } from '../../src/cli/commands/register.js';
import { parseProfileListOptions } from '../../src/cli/commands/profile-list.js';
import { parseProfileRemoveOptions } from '../../src/cli/commands/profile-remove.js';
import { parseProfileShowOptions } from '../../src/cli/commands/profile-show.js';
import { parseProfileUseOptions } from '../../src/cli/commands/profile-use.js';
import { parseTokenPrintOptions } from '../../src/cli/commands/token-print.js';
import { parseTokenRefreshOptions } from '../../src/cli/commands/token-refresh.js';
import { parseTokenRevokeOptions } from '../../src/cli/commands/token-revoke.js';
import { parseTokenShowOptions } from '../../src/cli/commands/token-show.js';
import { parseUserinfoOptions } from '../../src/cli/commands/userinfo.js';
import { parseVerifyOptions } from '../../src/cli/commands/verify.js';
import { parseGlobalOptions } from '../../src/cli/globals.js';
import { UsageError } from '../../src/errors.js';

const input = (opts: Record<string, unknown> = {}, args: string[] = []): CommandInput => ({ args, opts, globals: {} });
const usage = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(UsageError);
  expect(fn).toThrow(message);
};

describe('parseGlobalOptions', () => {
  it('types every global option', () => {
    expect(
      parseGlobalOptions({ profile: 'ci', output: 'json', verbose: true, tokenStore: 'none', cacert: 'ca.pem', insecure: true, timeout: '2.5', color: false }),
    ).toEqual({ profile: 'ci', output: 'json', verbose: true, tokenStore: 'none', cacert: 'ca.pem', insecure: true, timeout: 2.5, color: false });
    expect(parseGlobalOptions({})).toEqual({});
  });

  it('refuses a timeout that is not a positive number of seconds', () => {
    for (const bad of ['0', '-1', 'soon', '', 'Infinity']) usage(() => parseGlobalOptions({ timeout: bad }), /--timeout expects a positive number of seconds/);
  });

  it('refuses an output format or token store it does not know', () => {
    usage(() => parseGlobalOptions({ output: 'yaml' }), /--output must be text or json, not 'yaml'/);
    usage(() => parseGlobalOptions({ tokenStore: 'disk' }), /--token-store must be auto, keychain, file or none/);
  });
});

describe('commands that use the stored tokens', () => {
  const parsers = { parseTokenPrintOptions, parseTokenRefreshOptions, parseTokenRevokeOptions, parseLogoutOptions, parseUserinfoOptions };

  it.each(Object.entries(parsers))('%s: profile flags, the secret source and --min-ttl, typed', (_name, parse) => {
    const opts = parse(input({ tokenUrl: 'https://a.example/token', clientId: 'ci', grant: 'client_credentials', clientAuth: 'client_secret_post', param: ['a=1', 'b=x=y'], discovery: false, clientSecretStdin: true }));
    // toMatchObject: `token print` adds its own (--format, --id-token: test/unit/tokens-elsewhere.test.ts).
    expect(opts).toMatchObject({
      profileFlags: { token_endpoint: 'https://a.example/token', client_id: 'ci', grant: 'client_credentials', client_auth: 'client_secret_post', params: { a: '1', b: 'x=y' }, discovery: false },
      secret: { stdin: true },
    });
    expect(parse(input({ clientSecret: 's' })).secret).toEqual({ stdin: false, value: 's' });
  });

  it('checks the profile flags: URL, grant, client_auth, --param', () => {
    usage(() => parseTokenPrintOptions(input({ tokenUrl: 'not a url' })), /token_endpoint is not a valid URL/);
    usage(() => parseTokenPrintOptions(input({ grant: 'magic' })), /unknown grant 'magic'/);
    usage(() => parseTokenPrintOptions(input({ clientAuth: 'telepathy' })), /unknown client_auth 'telepathy'/);
    usage(() => parseTokenPrintOptions(input({ param: ['novalue'] })), /--param expects key=value/);
  });

  it('--min-ttl: seconds, zero allowed, nothing else', () => {
    expect(parseTokenPrintOptions(input({ minTtl: '300' })).minTtl).toBe(300);
    expect(parseTokenPrintOptions(input({ minTtl: '0' })).minTtl).toBe(0);
    for (const bad of ['-5', 'abc', '']) usage(() => parseTokenPrintOptions(input({ minTtl: bad })), /--min-ttl expects a number of seconds/);
  });
});

describe('parseLoginOptions', () => {
  it('types the login flags', () => {
    expect(parseLoginOptions(input({ port: '8765', browserCommand: 'firefox', username: 'ada', passwordStdin: true, issuer: 'https://a.example' }))).toEqual({
      profileFlags: { issuer: 'https://a.example' },
      secret: { stdin: false },
      port: 8765,
      browser: true,
      browserCommand: 'firefox',
      manual: false,
      username: 'ada',
      passwordStdin: true,
    });
  });

  it('--no-browser and --manual mean no browser', () => {
    expect(parseLoginOptions(input({ browser: false })).browser).toBe(false);
    expect(parseLoginOptions(input({ manual: true }))).toMatchObject({ browser: false, manual: true });
    expect(parseLoginOptions(input({ browser: true })).browser).toBe(true); // commander's default for --no-browser
  });

  it('--port: an integer from 0 to 65535', () => {
    expect(parseLoginOptions(input({ port: '0' })).port).toBe(0);
    for (const bad of ['65536', '-1', '80.5', 'http']) usage(() => parseLoginOptions(input({ port: bad })), /--port expects a port number/);
  });

  it('stdin cannot carry both the client secret and the password', () => {
    usage(() => parseLoginOptions(input({ clientSecretStdin: true, passwordStdin: true })), /cannot both read stdin/);
  });
});

describe('parseVerifyOptions', () => {
  it('types the verify flags, with the defaults', () => {
    expect(parseVerifyOptions(input({}, ['a.b.c']))).toEqual({ jwt: 'a.b.c', profileFlags: {}, secretStdin: false, clockSkewSeconds: 60 });
    expect(
      parseVerifyOptions(input({ key: 'k.pem', clockSkew: '5', alg: ['RS256,ES256', ' PS256 '], issuer: 'https://i.example', audience: 'api', jwksUri: 'https://i.example/jwks' }, ['-'])),
    ).toEqual({
      jwt: '-',
      profileFlags: { issuer: 'https://i.example', audience: 'api', jwks_uri: 'https://i.example/jwks' },
      keyFile: 'k.pem',
      secretStdin: false,
      clockSkewSeconds: 5,
      algorithms: ['RS256', 'ES256', 'PS256'],
    });
  });

  it('refuses a bad --clock-skew and an empty --alg', () => {
    for (const bad of ['-1', 'x']) usage(() => parseVerifyOptions(input({ clockSkew: bad }, ['t'])), /--clock-skew expects a number of seconds/);
    usage(() => parseVerifyOptions(input({ alg: [' , '] }, ['t'])), /--alg expects algorithm names/);
  });

  it('--secret-stdin needs the token as an argument', () => {
    usage(() => parseVerifyOptions(input({ secretStdin: true })), /--secret-stdin reads stdin/);
    usage(() => parseVerifyOptions(input({ secretStdin: true }, ['-'])), /--secret-stdin reads stdin/);
    expect(parseVerifyOptions(input({ secretStdin: true }, ['a.b.c'])).secretStdin).toBe(true);
  });
});

describe('the other commands', () => {
  it('decode and introspect: the token argument', () => {
    expect(parseDecodeOptions(input({}, ['x.y.z']))).toEqual({ jwt: 'x.y.z' });
    expect(parseDecodeOptions(input())).toEqual({});
    expect(parseIntrospectOptions(input({}, ['-']))).toMatchObject({ token: '-', profileFlags: {} });
    expect(parseIntrospectOptions(input())).not.toHaveProperty('token');
  });

  it('discover: the issuer as an argument or as --issuer, the same one if both', () => {
    expect(parseDiscoverOptions(input({}, ['https://a.example']))).toEqual({ issuer: 'https://a.example' });
    expect(parseDiscoverOptions(input({ issuer: 'https://a.example' }))).toEqual({ issuer: 'https://a.example' });
    expect(parseDiscoverOptions(input({ issuer: 'https://a.example' }, ['https://a.example']))).toEqual({ issuer: 'https://a.example' });
    expect(parseDiscoverOptions(input())).toEqual({});
    usage(() => parseDiscoverOptions(input({ issuer: 'https://a.example' }, ['https://b.example'])), /two issuers given/);
    usage(() => parseDiscoverOptions(input({ issuer: 'ftp://a.example' })), /issuer must be an http\(s\) URL/);
    expect(parseDiscoverOptions(input({ resource: 'https://api.example/mcp' }))).toEqual({ resource: 'https://api.example/mcp' });
    usage(() => parseDiscoverOptions(input({ resource: 'https://api.example/mcp' }, ['https://a.example'])), /either an issuer or --resource/);
    usage(() => parseDiscoverOptions(input({ resource: 'nope' })), /--resource is not a valid URL/);
  });

  it('completion: one of the shells', () => {
    expect(parseCompletionOptions(input({}, ['zsh']))).toEqual({ shell: 'zsh' });
    usage(() => parseCompletionOptions(input({}, ['tcsh'])), /unknown shell 'tcsh'/);
  });

  it('token show and profile list: their switches', () => {
    expect(parseTokenShowOptions(input({ reveal: true }))).toEqual({ reveal: true });
    expect(parseTokenShowOptions(input())).toEqual({ reveal: false });
    expect(parseProfileListOptions(input({ names: true }))).toEqual({ names: true });
  });

  it('profile add|show|remove|use: a valid profile name', () => {
    expect(parseProfileAddOptions(input({ issuer: 'https://a.example', clientId: 'x' }, ['dev']))).toEqual({
      name: 'dev',
      profileFlags: { issuer: 'https://a.example', client_id: 'x' },
      secret: { stdin: false },
    });
    expect(parseProfileShowOptions(input())).toEqual({});
    expect(parseProfileShowOptions(input({}, ['dev']))).toEqual({ name: 'dev' });
    expect(parseProfileRemoveOptions(input({}, ['dev']))).toEqual({ name: 'dev', unregister: false });
    expect(parseProfileRemoveOptions(input({ unregister: true }, ['dev']))).toEqual({ name: 'dev', unregister: true });
    expect(parseProfileUseOptions(input({}, ['dev']))).toEqual({ name: 'dev' });
    expect(parseProfileAddOptions(input({ fromResource: 'https://api.example/mcp', register: true, clientName: 'n' }, ['mcp']))).toMatchObject({
      fromResource: 'https://api.example/mcp',
      register: { choices: { clientName: 'n' }, reveal: false },
    });
    usage(() => parseProfileAddOptions(input({ fromResource: 'not a url' }, ['mcp'])), /--from-resource is not a valid URL/);
    for (const parse of [parseProfileAddOptions, parseProfileShowOptions, parseProfileRemoveOptions, parseProfileUseOptions]) {
      usage(() => parse(input({}, ['$(touch x)'])), /invalid profile name/);
    }
  });
});

describe('register', () => {
  it('registration choices, typed; every mistake before any request', () => {
    const opts = parseRegisterCommandOptions(
      input({ issuer: 'https://a.example', grant: ['client_credentials', 'device_code'], redirectUri: ['http://127.0.0.1:8/cb'], metadata: '{"logo_uri":"x"}', initialAccessToken: 'env:IAT', reveal: true }),
    );
    expect(opts).toEqual({
      profileFlags: { issuer: 'https://a.example' },
      choices: { grants: ['client_credentials', 'device_code'], redirectUris: ['http://127.0.0.1:8/cb'], extra: { logo_uri: 'x' } },
      initialAccessToken: { kind: 'env', name: 'IAT' },
      reveal: true,
    });
    expect(parseRegisterCommandOptions(input({ registrationUrl: 'https://a.example/reg', metadata: '@meta.json' }))).toMatchObject({ registrationUrl: 'https://a.example/reg', metadataFile: 'meta.json' });
    usage(() => parseRegisterCommandOptions(input({})), /no server given/);
    usage(() => parseRegisterCommandOptions(input({ issuer: 'https://a.example', grant: ['magic'] })), /unknown grant 'magic'/);
    usage(() => parseRegisterCommandOptions(input({ issuer: 'https://a.example', metadata: '[]' })), /JSON object/);
    usage(() => parseRegisterCommandOptions(input({ issuer: 'https://a.example', redirectUri: ['nope'] })), /--redirect-uri is not a valid URL/);
    usage(() => parseRegisterCommandOptions(input({ issuer: 'https://a.example', initialAccessToken: 'env:' })), /initial-access-token/);
  });
});

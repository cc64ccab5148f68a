import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, echoedForms } from '../../src/http/redact.js';

describe('Redactor', () => {
  const r = new Redactor();

  it('redacts secret headers, keeping the scheme', () => {
    expect(r.header('Authorization', 'Basic Y2xpZW50OnNlY3JldA==')).toBe(`Basic ${REDACTED}`);
    expect(r.header('authorization', 'Bearer abc.def.ghi')).toBe(`Bearer ${REDACTED}`);
    expect(r.header('Cookie', 'sid=1')).toBe(REDACTED);
    expect(r.header('set-cookie', '_session=abc; path=/')).toBe(REDACTED);
    expect(r.header('content-type', 'application/json')).toBe('application/json');
  });

  it('redacts every secret form field and keeps the others', () => {
    const body = 'grant_type=refresh_token&refresh_token=rt-123&client_secret=s3&code_verifier=v&scope=a+b&code=c&device_code=d&assertion=x&client_assertion=y&password=p';
    const out = r.form(body);
    for (const secret of ['rt-123', '=s3', '=v&', '=c&', '=d&', '=x&', '=y&', '=p']) expect(out).not.toContain(secret);
    expect(out).toContain('grant_type=refresh_token');
    expect(out).toContain('scope=a+b');
  });

  it('redacts JSON members at any depth', () => {
    const out = r.body(JSON.stringify({ access_token: 'at', nested: { id_token: 'it', refresh_token: 'rt' }, expires_in: 3600 }), 'application/json');
    expect(JSON.parse(out)).toEqual({ access_token: REDACTED, nested: { id_token: REDACTED, refresh_token: REDACTED }, expires_in: 3600 });
  });

  it('redacts form-encoded and free-text bodies', () => {
    expect(r.body('access_token=gho_abc&token_type=bearer', 'application/x-www-form-urlencoded')).not.toContain('gho_abc');
    expect(r.body('oops "access_token": "abc" and code=xyz', 'text/plain')).not.toMatch(/abc|xyz/);
  });

  it('redacts query parameters and credentials in URLs', () => {
    const out = r.url('http://user:pw@127.0.0.1/cb?code=abc&state=s1#access_token=t0k');
    expect(out).not.toMatch(/abc|t0k|pw@/);
    expect(out).toContain('state=s1');
  });

  it('scrubs known secret values anywhere', () => {
    const s = new Redactor();
    s.addSecret('hunter22');
    expect(s.scrub('the secret is hunter22!')).toBe(`the secret is ${REDACTED}!`);
    expect(s.header('x-custom', 'hunter22')).toBe(REDACTED);
  });

  describe('secrets echoed back (SPEC "Safety")', () => {
    const secret = 's3cret/value+1= ü"x';

    it('scrubs every form a server may echo: raw, percent- and form-encoded, lower-case hex, JSON-escaped, Base64', () => {
      const s = new Redactor();
      s.addSecret(secret);
      const echoes = [
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ client_secret: secret }).toString(),
        encodeURIComponent(secret).toLowerCase(),
        JSON.stringify({ client_secret: secret }),
        JSON.stringify(secret).replaceAll('/', '\\/'),
        JSON.stringify(secret).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
        Buffer.from(secret).toString('base64'),
      ];
      for (const echo of echoes) {
        const out = s.scrub(`server said: ${echo}.`);
        expect(out, echo).toContain(REDACTED);
        expect(out, echo).not.toContain('s3cret');
        expect(out, echo).not.toContain(Buffer.from(secret).toString('base64'));
      }
      expect(echoedForms('plain')).toEqual(['plain', 'cGxhaW4=']);
    });

    it('scrubs the issue\'s example: client_secret=s3cret%2Fvalue%2B1%3D', () => {
      const s = new Redactor();
      s.addSecret('s3cret/value+1=');
      expect(s.scrub('invalid body client_secret=s3cret%2Fvalue%2B1%3D&x=1')).toBe(`invalid body client_secret=${REDACTED}&x=1`);
    });

    it('scrubs a secret shorter than 4 characters where it stands alone, not inside other words', () => {
      const s = new Redactor();
      s.addSecret('abc');
      expect(s.scrub('grant_type=password&password=abc')).toBe(`grant_type=password&password=${REDACTED}`);
      expect(s.scrub('"password":"abc"')).toBe(`"password":"${REDACTED}"`);
      expect(s.scrub('abcdef xabc')).toBe('abcdef xabc');
      const one = new Redactor();
      one.addSecret('7');
      expect(one.scrub('pin 7 of 17')).toBe(`pin ${REDACTED} of 17`);
    });

    it('remembers Basic credentials: the Base64 as sent, and the password inside it, form-decoded', () => {
      const s = new Redactor();
      const id = 'we:ird %id';
      const password = 'pw +/';
      const form = (v: string) => new URLSearchParams({ v }).toString().slice(2);
      const encoded = Buffer.from(`${form(id)}:${form(password)}`).toString('base64');
      s.addBasicCredentials(`Basic ${encoded}`);
      expect(s.scrub(`echo: Basic ${encoded}`)).toBe(`echo: Basic ${REDACTED}`);
      expect(s.scrub(`secret was ${password}!`)).toBe(`secret was ${REDACTED}!`);
      expect(s.scrub(`secret was ${form(password)}!`)).toBe(`secret was ${REDACTED}!`);
    });

    it('replaces the longest form first, leaving no fragment', () => {
      const s = new Redactor();
      s.addSecret('abcd');
      s.addSecret('abcd-efgh');
      expect(s.scrub('x abcd-efgh y abcd z')).toBe(`x ${REDACTED} y ${REDACTED} z`);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/http/redact.js';

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
});

/**
 * The pages the loopback listener shows in the browser: small, self-contained HTML (inline CSS, no
 * external resources), sent with a `Content-Security-Policy` that allows only the exact inline
 * style (and, for a relay page, the exact inline script) by hash, `Cache-Control: no-store`
 * and `Referrer-Policy: no-referrer`.
 *
 * Every interpolated value goes through {@link escapeHtml}. No page ever shows the authorization
 * code or a token: the callback's parameters belong to the terminal, not to the browser window.
 *
 * @see RFC 8252 §7.3 (loopback redirect), §8.3 (loopback redirect considerations)
 * @see RFC 6749 §4.1.2.1, §4.2.2.1 (error responses shown on the failure page)
 */
import { createHash } from 'node:crypto';

/** A response ready to write: status, headers (Content-Length included) and body. */
export interface Page {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Escapes the five HTML-significant characters, for text and attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const STYLE = [
  ':root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#f6f8fa;--card:#fff;--line:#d1d9e0;--ok:#1a7f37;--bad:#cf222e}',
  '@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;--ok:#3fb950;--bad:#f85149}}',
  '*{box-sizing:border-box}',
  'body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}',
  'main{max-width:32rem;margin:1rem;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}',
  'h1{margin:0 0 .75rem;font-size:1.25rem}',
  '.ok h1{color:var(--ok)}.bad h1{color:var(--bad)}',
  'p{margin:.5rem 0}',
  'code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}',
  '.muted{color:var(--muted);font-size:.9rem}',
  'footer{margin-top:1.25rem;color:var(--muted);font-size:.8rem}',
].join('');

/** A CSP source expression for an inline element's exact text (CSP Level 3 "hash-source"). */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

const STYLE_HASH = cspHash(STYLE);

const BASE_CSP = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "base-uri 'none'",
  "frame-ancestors 'none'",
];

export interface PageContent {
  status: number;
  title: string;
  tone: 'ok' | 'bad' | 'plain';
  /** Already-escaped HTML paragraphs. */
  paragraphs: string[];
  script?: string;
  extraHeaders?: Record<string, string>;
}

/** A page from its content: the shared layout, style and headers (the CSP allows `script` by hash). */
export function render(content: PageContent): Page {
  const csp = content.script === undefined
    ? [...BASE_CSP, "form-action 'none'"]
    : [...BASE_CSP, `script-src ${cspHash(content.script)}`, "form-action 'self'"];
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(content.title)} · oauthctl</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<main class="${content.tone}"><h1>${escapeHtml(content.title)}</h1>`,
    ...content.paragraphs.map((p) => `<p>${p}</p>`),
    '<footer>oauthctl</footer></main>',
    content.script === undefined ? '' : `<script>${content.script}</script>`,
    '</body></html>',
    '',
  ].join('\n');
  return {
    status: content.status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body, 'utf8')),
      'Content-Security-Policy': csp.join('; '),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      ...content.extraHeaders,
    },
    body,
  };
}

const CLOSE_WINDOW = 'You can close this window.';

/** The first valid callback, without `error`: the terminal takes it from here. */
export function successPage(): Page {
  return render({
    status: 200,
    title: 'Signed in',
    tone: 'ok',
    paragraphs: ['Signed in — you can close this window and return to the terminal.'],
  });
}

/**
 * The first valid callback carried an OAuth error (RFC 6749 §4.1.2.1, §4.2.2.1): show the
 * server's `error` and `error_description`.
 */
export function authorizationErrorPage(error: string, description?: string): Page {
  const paragraphs = [`The authorization server answered <code>${escapeHtml(error)}</code>.`];
  if (description !== undefined && description !== '') paragraphs.push(escapeHtml(description));
  paragraphs.push(`${CLOSE_WINDOW} The terminal shows what happened.`);
  return render({ status: 200, title: 'Sign-in failed', tone: 'bad', paragraphs });
}

/** A callback that failed the caller's check (wrong `state`, wrong `iss`, …): the wait goes on. */
export function rejectedCallbackPage(reason: string): Page {
  return render({
    status: 400,
    title: 'Sign-in response not accepted',
    tone: 'bad',
    paragraphs: [
      escapeHtml(reason),
      'This response does not belong to the sign-in the terminal is waiting for (an old or duplicate browser tab?). The terminal is still waiting.',
      CLOSE_WINDOW,
    ],
  });
}

/** A callback arriving after the first valid one: ignored. */
export function alreadyDonePage(): Page {
  return render({
    status: 409,
    title: 'Already done',
    tone: 'plain',
    paragraphs: ['This sign-in has already been completed; this response was ignored.', CLOSE_WINDOW],
  });
}

/** The caller's check threw: a bug, reported to the terminal. */
export function internalErrorPage(): Page {
  return render({
    status: 500,
    title: 'Something went wrong',
    tone: 'bad',
    paragraphs: ['The sign-in response could not be checked. The terminal shows the details.', CLOSE_WINDOW],
  });
}

/** Any path other than the callback path. */
export function notFoundPage(): Page {
  return render({ status: 404, title: 'Not found', tone: 'plain', paragraphs: ['Nothing here.'] });
}

/** `/favicon.ico`: a bare 404, so browsers stop asking. */
export function quietNotFound(): Page {
  return {
    status: 404,
    headers: { 'Content-Length': '0', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
    body: '',
  };
}

/** A method the callback path does not take; `allow` lists those it does. */
export function methodNotAllowedPage(allow: readonly string[]): Page {
  return render({
    status: 405,
    title: 'Method not allowed',
    tone: 'plain',
    paragraphs: [`This address only accepts ${escapeHtml(allow.join(', '))}.`],
    extraHeaders: { Allow: allow.join(', ') },
  });
}

/** A POST body with a media type other than `application/x-www-form-urlencoded`. */
export function unsupportedMediaTypePage(): Page {
  return render({
    status: 415,
    title: 'Unsupported media type',
    tone: 'plain',
    paragraphs: ['Only application/x-www-form-urlencoded is accepted.'],
  });
}

/** 413 (body) or 431 (headers): the request is larger than the listener accepts. */
export function tooLargePage(status: 413 | 431): Page {
  return render({
    status,
    title: status === 413 ? 'Request too large' : 'Request headers too large',
    tone: 'bad',
    paragraphs: ['This request is larger than oauthctl accepts and was ignored.', CLOSE_WINDOW],
  });
}

/** A request the HTTP parser could not make sense of. */
export function badRequestPage(): Page {
  return render({ status: 400, title: 'Bad request', tone: 'bad', paragraphs: ['The request could not be read.'] });
}

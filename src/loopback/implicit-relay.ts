/**
 * The legacy implicit flow's relay (RFC 6749 §4.2.2), plugged into the loopback listener: the
 * authorization response is in the URL fragment, which browsers never send. A GET of the callback
 * path without a query answers a page whose one script POSTs the fragment back, form-encoded, to the
 * same path; that body is then checked and delivered like a GET query. The listener itself knows
 * nothing of fragments.
 *
 * @see RFC 6749 §4.2.2 (access token response in the fragment)
 */
import type { IncomingMessage } from 'node:http';
import type { CallbackRelay } from './listener.js';
import { cspHash, render, tooLargePage, unsupportedMediaTypePage, type Page } from './pages.js';

/**
 * The relay script: the fragment never reaches the server, so this script
 * re-sends it as an `application/x-www-form-urlencoded` POST to the same path, by submitting a
 * form, so the browser then shows the listener's answer as a normal page. The fragment is removed
 * from the address bar and history first.
 */
const RELAY_SCRIPT = [
  '(function(){',
  'var fields=new URLSearchParams(location.hash.slice(1));',
  "history.replaceState(null,'',location.pathname);",
  "var form=document.createElement('form');",
  "form.method='POST';form.action=location.pathname;form.enctype='application/x-www-form-urlencoded';",
  "fields.forEach(function(value,name){var input=document.createElement('input');input.type='hidden';input.name=name;input.value=value;form.appendChild(input);});",
  'document.body.appendChild(form);form.submit();',
  '})();',
].join('');

const RELAY_SCRIPT_HASH = cspHash(RELAY_SCRIPT);

/**
 * The legacy implicit flow's callback page (RFC 6749 §4.2.2): its only script hands
 * `location.hash` to the listener as a form POST to the same path.
 */
export function implicitRelayPage(): Page {
  return render({
    status: 200,
    title: 'Finishing sign-in…',
    tone: 'plain',
    paragraphs: [
      'Handing the sign-in response to oauthctl…',
      '<noscript>JavaScript is needed to pass the response (it is in the address fragment) to the terminal.</noscript>',
    ],
    script: RELAY_SCRIPT,
  });
}

/** The exact relay script and its CSP hash, for tests. */
export const implicitRelay = { script: RELAY_SCRIPT, hash: RELAY_SCRIPT_HASH } as const;

/** The relay for `startLoopback({ relay })`: the page on a bare GET, the form POST it sends. */
export const fragmentRelay: CallbackRelay = {
  methods: ['POST'],
  page: implicitRelayPage,
  async receive(req, budget) {
    if (!isFormEncoded(req.headers['content-type'])) return { page: unsupportedMediaTypePage(), close: false };
    const body = await readBody(req, budget);
    if (body === 'aborted') return 'aborted';
    if (body === 'too_large') return { page: tooLargePage(413), close: true };
    return { params: new URLSearchParams(body) };
  },
};

/**
 * Reads the body as UTF-8. `too_large` past `limit` bytes (the rest is discarded, not destroyed,
 * so the 413 page can still be written); `aborted` when the client went away first.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: string | 'too_large' | 'aborted'): void => {
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      finish('too_large');
      req.resume();
    };
    const onEnd = (): void => finish(Buffer.concat(chunks).toString('utf8'));
    const onAbort = (): void => finish('aborted');
    req.on('data', onData).once('end', onEnd).once('error', onAbort).once('close', onAbort);
  });
}

function isFormEncoded(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

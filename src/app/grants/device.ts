import { deviceAuthorizationRequest, pollDeviceToken } from '../../oauth/device.js';
import { oneLine } from '../../sanitize.js';
import type { TokenSet } from '../../store/types.js';
import { connect } from '../auth-server.js';
import type { AppContext } from '../context.js';
import type { Interaction } from '../interaction.js';
import type { LoginRequest } from '../login.js';
import { finishLogin } from './finish.js';

/**
 * RFC 8628: show the user code and where to enter it, open `verification_uri_complete` when a
 * browser is available, then poll at `interval` (slower on `slow_down`) until approved, denied,
 * expired or out of time (SPEC "Safety" bounds every wait).
 */
export async function deviceCodeGrant(req: LoginRequest, ctx: AppContext, io: Interaction): Promise<TokenSet> {
  const { settings } = req;
  const as = await connect(settings, req.clientSecret, ['device_authorization_endpoint', 'token_endpoint'], ctx, { dpop: req.dpop });
  const auth = await deviceAuthorizationRequest(as, {
    ...(settings.scope ? { scope: settings.scope } : {}),
    extra: { audience: settings.audience, resource: settings.resource },
  });
  ctx.redactor.addSecret(auth.device_code);
  // Untrusted: the URIs are shown as re-serialised (they are http(s) URLs), the code on one line.
  io.tell(`\nTo sign in, visit ${new URL(auth.verification_uri).href}\nand enter the code:  ${oneLine(auth.user_code, 100)}\n`);
  if (auth.verification_uri_complete && io.openBrowser) {
    const complete = new URL(auth.verification_uri_complete).href;
    try {
      await io.openBrowser(complete);
      io.tell(`Opened ${complete} in the browser.`);
    } catch (err) {
      io.tell(`Could not open a browser (${(err as Error).message}).`);
    }
  }
  io.tell(`Waiting for approval (Ctrl+C to cancel; the code expires in ${auth.expires_in}s)…`);
  let res;
  try {
    res = await pollDeviceToken(as, {
      deviceCode: auth.device_code,
      interval: auth.interval,
      expiresIn: auth.expires_in,
      ...(io.timeoutSeconds !== undefined ? { timeoutSeconds: io.timeoutSeconds } : {}),
      sleep: io.sleep,
      signal: io.signal,
      onPending: (secondsLeft) => io.progress(`waiting for approval… ${secondsLeft}s left`),
    });
  } finally {
    io.progress('');
  }
  return finishLogin(res, { settings, endpoints: as.endpoints, client: as.client, grant: 'device_code', dpop: as.dpop }, ctx);
}

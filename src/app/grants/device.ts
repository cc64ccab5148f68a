import { deviceAuthorizationRequest, pollDeviceToken } from '../../oauth/device.js';
import type { TokenSet } from '../../store/types.js';
import { clientCredentials } from '../client.js';
import type { AppContext } from '../context.js';
import { resolveEndpoints } from '../endpoints.js';
import type { Interaction } from '../interaction.js';
import type { LoginRequest } from '../login.js';
import { finishLogin } from './finish.js';

/**
 * RFC 8628: show the user code and where to enter it, open `verification_uri_complete` unless
 * `--no-browser`, then poll at `interval` (slower on `slow_down`) until approved, denied or expired.
 */
export async function deviceCodeGrant(req: LoginRequest, ctx: AppContext, io: Interaction): Promise<TokenSet> {
  const { settings } = req;
  const client = await clientCredentials(settings, req.clientSecret);
  const endpoints = await resolveEndpoints(settings, ['device_authorization_endpoint', 'token_endpoint'], ctx);
  const auth = await deviceAuthorizationRequest(ctx.http, {
    endpoint: endpoints.device_authorization_endpoint as string,
    client,
    ...(settings.scope ? { scope: settings.scope } : {}),
    extra: { audience: settings.audience, resource: settings.resource },
    now: ctx.now,
    warn: ctx.warn,
    note: ctx.note,
  });
  ctx.redactor.addSecret(auth.device_code);
  io.tell(`\nTo sign in, visit ${auth.verification_uri}\nand enter the code:  ${auth.user_code}\n`);
  if (auth.verification_uri_complete && io.openBrowser) {
    try {
      await io.openBrowser(auth.verification_uri_complete);
      io.tell(`Opened ${auth.verification_uri_complete} in the browser.`);
    } catch (err) {
      io.tell(`Could not open a browser (${(err as Error).message}).`);
    }
  }
  io.tell(`Waiting for approval (Ctrl+C to cancel; the code expires in ${auth.expires_in}s)…`);
  let res;
  try {
    res = await pollDeviceToken(ctx.http, {
      tokenEndpoint: endpoints.token_endpoint as string,
      client,
      deviceCode: auth.device_code,
      interval: auth.interval,
      expiresIn: auth.expires_in,
      now: ctx.now,
      sleep: io.sleep,
      signal: io.signal,
      onPending: (secondsLeft) => io.progress(`waiting for approval… ${secondsLeft}s left`),
      warn: ctx.warn,
      note: ctx.note,
    });
  } finally {
    io.progress('');
  }
  return finishLogin(res, { settings, endpoints, client, grant: 'device_code' }, ctx);
}

import { acquireToken } from '../../app/acquire-token.js';
import { UsageError } from '../../errors.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';
import { clientSecretFromInput, resolveSettings } from '../settings.js';

/** `oauthctl token`: a valid access token and a newline on stdout, whatever `-o` says. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const { profileName, settings } = await resolveSettings(session, input.opts);
  const minTtl = parseMinTtl(input.opts.minTtl);
  const clientSecret = await clientSecretFromInput(session, input.opts);
  const tokens = await acquireToken(
    { profile: profileName, settings, ...(clientSecret !== undefined ? { clientSecret } : {}), ...(minTtl !== undefined ? { minTtl } : {}) },
    session.app,
  );
  session.out(`${tokens.access_token}\n`);
}

function parseMinTtl(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--min-ttl expects seconds, got '${String(value)}'`);
  return n;
}

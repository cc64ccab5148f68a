import { dpopProofForStoredToken } from '../../app/dpop-proof.js';
import { UsageError } from '../../errors.js';
import { defineCommand, type CommandInput } from '../command.js';
import { parseMethod, resolveCallUrl } from '../request-target.js';
import type { Session } from '../session.js';
import { acquireRequestFrom, parseTokenCommandOptions, type TokenCommandOptions } from '../settings.js';

export interface TokenProofOptions extends TokenCommandOptions {
  method: string;
  target: string;
  nonce?: string;
}

export function parseTokenProofOptions(input: CommandInput): TokenProofOptions {
  const [rawMethod = '', target = ''] = input.args;
  const method = parseMethod(rawMethod);
  const nonce = input.opts.nonce;
  if (typeof nonce === 'string' && !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(nonce)) throw new UsageError('--nonce: not a DPoP nonce (RFC 9449 §8.1: visible ASCII, no quotes or backslashes)');
  return { ...parseTokenCommandOptions(input.opts), method, target, ...(typeof nonce === 'string' ? { nonce } : {}) };
}

/** `oauthctl token proof METHOD URL`: one DPoP proof for that request, bound to the stored token; nothing else on stdout. */
export async function run(opts: TokenProofOptions, session: Session): Promise<void> {
  const req = await acquireRequestFrom(session, opts);
  const url = resolveCallUrl(opts.target, req.settings.api_base_url);
  const proof = await dpopProofForStoredToken({ ...req, method: opts.method, url, ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}) }, session.app);
  session.out(`${proof}\n`);
}

export const command = defineCommand(parseTokenProofOptions, run);

import { EXIT_CODES, OAuthError, OauthctlError } from '../errors.js';
import { hintFor } from './hints.js';

/** SPEC "Exit codes": the one table from error families to exit codes (codes: `ERROR_CODES`). */
export { EXIT_CODES } from '../errors.js';

export interface RenderedError {
  exitCode: number;
  /** What goes to stderr, ending in a newline. */
  text: string;
}

/**
 * Renders any thrown value as the SPEC's one line (`oauthctl: …`, optional `hint: …`) or the
 * `-o json` error object. Stack traces only with `-v`, and only for errors we did not expect.
 */
export function renderError(err: unknown, opts: { json: boolean; verbose: boolean; scrub: (s: string) => string }): RenderedError {
  const known = err instanceof OauthctlError ? err : undefined;
  const exitCode = EXIT_CODES[known ? known.kind : 'internal'];
  const message = opts.scrub(oneLine(known ? known.message : `internal error: ${(err as Error)?.message ?? String(err)}`));
  const hint = known ? hintFor(known) : 'this is a bug in oauthctl: please report it (run with -v for details)';
  if (opts.json) {
    const body: Record<string, unknown> = { code: known ? known.code : 'internal', message };
    if (hint) body.hint = opts.scrub(hint);
    if (known?.status !== undefined) body.status = known.status;
    if (err instanceof OAuthError) {
      body.oauth_error = err.error;
      if (err.errorDescription !== undefined) body.oauth_error_description = opts.scrub(err.errorDescription);
    }
    return { exitCode, text: `${JSON.stringify({ error: body })}\n` };
  }
  let text = `oauthctl: ${message}\n`;
  if (hint) text += `hint: ${opts.scrub(oneLine(hint))}\n`;
  if (opts.verbose && !known && err instanceof Error && err.stack) text += `${opts.scrub(err.stack)}\n`;
  return { exitCode, text };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

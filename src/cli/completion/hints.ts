import { GRANTS } from '../../config/profile.js';
import { CLIENT_AUTH_METHODS } from '../../oauth/client-auth-methods.js';
import type { ValueKind } from './model.js';
import { SHELLS } from './shells.js';

/**
 * What commander cannot tell: values that are not declared with `.choices()`, and which values
 * name a saved profile. Everything else comes from program.ts (`argChoices`, and `<file>`
 * placeholders complete file paths). A `.choices()` declared in program.ts wins over a hint.
 */
const OPTION_HINTS: Record<string, ValueKind> = {
  profile: { type: 'profile' },
  grant: { type: 'choices', values: GRANTS },
  clientAuth: { type: 'choices', values: CLIENT_AUTH_METHODS },
};

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** By option attribute name (`clientAuth` for `--client-auth`), on any command. */
export function optionHint(attributeName: string, _path: readonly string[]): ValueKind | undefined {
  return OPTION_HINTS[attributeName];
}

/** By argument name and command path. */
export function argumentHint(name: string, path: readonly string[]): ValueKind | undefined {
  const [group, command] = path;
  // `profile show|remove|use <name>` name a saved profile; `profile add <name>` names a new one.
  if (group === 'profile' && name === 'name' && command !== 'add') return { type: 'profile' };
  if (group === 'completion' && name === 'shell') return { type: 'choices', values: SHELLS };
  if (group === 'call' && name === 'method') return { type: 'choices', values: HTTP_METHODS };
  return undefined;
}

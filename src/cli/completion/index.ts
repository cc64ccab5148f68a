import type { Command } from 'commander';
import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import { completionTree } from './model.js';
import type { Shell } from './shells.js';
import { zshScript } from './zsh.js';

export { SHELLS, isShell, type Shell } from './shells.js';

const GENERATORS: Record<Shell, (root: ReturnType<typeof completionTree>) => string> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
};

/** The completion script for `shell`, read off the commander program. */
export function completionScript(shell: Shell, program: Command): string {
  return GENERATORS[shell](completionTree(program));
}

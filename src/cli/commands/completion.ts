import { UsageError } from '../../errors.js';
import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';

export async function run(_input: CommandInput, _session: Session): Promise<void> {
  throw new UsageError('not implemented yet');
}

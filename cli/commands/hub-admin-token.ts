import { runCreateAdminTokenCommand, runListAdminTokensCommand, runRevokeAdminTokenCommand } from '../../hub/admin/admin-token-commands.js';
import { AdminTokenNameTaken, checkAdminTokenName, DEFAULT_ADMIN_TOKEN_DAYS, MAX_ADMIN_TOKEN_DAYS } from '../../hub/admin/admin-tokens.js';
import { UsageError } from '../args.js';
import { parseStorageCommand } from './hub-storage-args.js';

export { ADMIN_TOKEN_HELP } from '../../hub/admin/admin-token-commands.js';

export interface HubAdminTokenIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly now?: () => number;
}

/** `chot hub admin-token create|list|revoke …`: the admin API's tokens. */
export async function runHubAdminToken(args: readonly string[], io: HubAdminTokenIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'create': {
      const { values, location } = parseStorageCommand(rest, { name: { type: 'string' }, 'valid-days': { type: 'string' } }, 0);
      if (values.name === undefined) throw new UsageError("--name NAME is needed: who or what holds the token (it names the token in the hub's request log)");
      const validDays = Number(values['valid-days'] ?? DEFAULT_ADMIN_TOKEN_DAYS);
      if (!(validDays > 0 && validDays <= MAX_ADMIN_TOKEN_DAYS))
        throw new UsageError(`--valid-days must be a positive number of days, at most ${MAX_ADMIN_TOKEN_DAYS}`);
      try {
        checkAdminTokenName(values.name);
        return await runCreateAdminTokenCommand({ ...io, location, name: values.name, validDays });
      } catch (error) {
        // The operator's input (a bad or taken name): a usage error, exit code 2.
        if (error instanceof RangeError || error instanceof AdminTokenNameTaken) throw new UsageError(error.message);
        throw error;
      }
    }
    case 'list': {
      const { location } = parseStorageCommand(rest, {}, 0);
      return runListAdminTokensCommand({ ...io, location });
    }
    case 'revoke': {
      const { positionals, location } = parseStorageCommand(rest, {}, 1);
      if (positionals.length !== 1 || positionals[0] === '') throw new UsageError('revoke takes exactly one NAME (chot hub admin-token list shows them)');
      return runRevokeAdminTokenCommand({ ...io, location, name: positionals[0] as string });
    }
    default:
      throw new UsageError(command === undefined ? 'name an admin-token command: create, list or revoke' : `unknown admin-token command "${command}"`);
  }
}

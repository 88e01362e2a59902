/**
 * `jardam account add|list|remove`: the caseworker and administrator accounts of the web
 * console and of the Telegram caseworkers' group. The password is read from standard input
 * (typed without echo in a terminal, or piped), never from the command line where `ps` shows it.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { hashPassword, passwordProblem } from '../accounts/password.js';
import { UsageError } from './options.js';
import { withStore } from './store.js';

const addSchema = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/, 'the user name takes 2–40 lowercase letters, digits, dots, dashes or underscores'),
  role: z.enum(['caseworker', 'admin'], { message: '--role must be caseworker or admin' }),
  telegram: z.string().regex(/^\d+$/, '--telegram must be a numeric Telegram user id').optional(),
});

function parse(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: { role: { type: 'string' }, telegram: { type: 'string' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** One line from stdin; in a terminal, asked for without echoing what is typed. */
async function readPassword(prompt: string): Promise<string> {
  const terminal = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal });
  if (terminal) {
    process.stdout.write(prompt);
    // Typed characters are not echoed back.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
    if (terminal) process.stdout.write('\n');
  }
}

export async function runAccount(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  if (sub === 'list') {
    return withStore(async ({ store }) => {
      const accounts = await store.accounts();
      if (accounts.length === 0) console.log('No accounts yet: jardam account add <name> --role caseworker|admin');
      for (const a of accounts) console.log(`${a.username}\t${a.role}\t${a.telegramId ? `telegram:${a.telegramId}` : '-'}\t${new Date(a.createdAt).toISOString().slice(0, 10)}`);
      return 0;
    });
  }
  if (sub === 'remove') {
    const username = positionals[0];
    if (!username) throw new UsageError('account remove needs the user name');
    return withStore(async ({ store }) => {
      const removed = await store.deleteAccount(username);
      if (!removed) {
        console.error(`jardam: no account named ${username}`);
        return 1;
      }
      await store.audit({ at: Date.now(), actor: 'cli', action: 'account.remove', target: username });
      console.log(`Removed ${username}; their console session stops working at once.`);
      return 0;
    });
  }
  if (sub === 'add') {
    const parsed = addSchema.safeParse({ username: positionals[0] ?? '', role: values.role, telegram: values.telegram });
    if (!parsed.success) throw new UsageError(`account add: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { username, role, telegram } = parsed.data;
    const password = await readPassword(`Password for ${username}: `);
    const problem = passwordProblem(password);
    if (problem) {
      console.error(`jardam: ${problem}`);
      return 1;
    }
    const passwordHash = await hashPassword(password);
    return withStore(async ({ store }) => {
      const created = await store.createAccount({ username, role, passwordHash, createdAt: Date.now(), ...(telegram ? { telegramId: telegram } : {}) });
      if (!created) {
        console.error(`jardam: an account named ${username}${telegram ? ` or linked to Telegram id ${telegram}` : ''} exists already`);
        return 1;
      }
      await store.audit({ at: Date.now(), actor: 'cli', action: 'account.create', target: username, detail: role });
      console.log(`Created ${role} ${username}${telegram ? `, who can act in the caseworkers' Telegram group` : ''}.`);
      return 0;
    });
  }
  throw new UsageError(`unknown account command "${sub ?? ''}" (add, list, remove)`);
}

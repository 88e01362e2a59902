/**
 * `jardam forget <channel:user>`: deletes everything stored about one person (settings,
 * conversation state, kept questions, tickets and their messages). The person is named as the
 * channel knows them: a Telegram user id, a WhatsApp number, a web chat id.
 */
import { z } from 'zod';
import { CHANNELS, type UserRef } from '../types.js';
import { UsageError } from './options.js';
import { withStore } from './store.js';

const userSchema = z
  .string()
  .regex(/^[a-z]+:.+$/, 'name the person as channel:id, such as telegram:123456789 or whatsapp:+996555123456')
  .transform((value) => {
    const at = value.indexOf(':');
    return { channel: value.slice(0, at), id: value.slice(at + 1).trim() };
  })
  .pipe(
    z.object({
      channel: z.enum(CHANNELS, { message: `the channel must be one of ${CHANNELS.join(', ')}` }),
      id: z.string().min(1, 'the id is empty'),
    }),
  )
  // WhatsApp ids are the number's digits only; people write them with + and spaces.
  .transform((user): UserRef => (user.channel === 'whatsapp' ? { ...user, id: user.id.replace(/[^\d]/g, '') } : user));

export function parseUser(value: string | undefined): UserRef {
  const parsed = userSchema.safeParse(value ?? '');
  if (!parsed.success) throw new UsageError(`forget: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export function runForget(args: string[]): Promise<number> {
  const user = parseUser(args[0]);
  return withStore(async ({ store, keys }) => {
    const key = keys.key(user);
    const deleted = await store.forget(key);
    // The audit names the pseudonymous key only: the log must not keep what was just deleted.
    await store.audit({ at: Date.now(), actor: 'cli', action: 'user.forget', target: key, detail: `${deleted} record(s)` });
    console.log(deleted > 0 ? `Deleted ${deleted} record(s) about ${user.channel}:${user.id}.` : `Nothing was stored about ${user.channel}:${user.id}.`);
    return 0;
  });
}

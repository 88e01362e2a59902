/**
 * Families writing to the Telegram webhook during a fault, for the fault tests: each family sends
 * one message after another until `until`, every third about danger, and each message must get
 * exactly one reply — the emergency reply for those about danger.
 */
import { textUpdate, type FakeTelegram } from './fake-telegram.js';
import { eventually } from './server.js';
import { realEngine } from './kb.js';

export interface FamiliesOptions {
  readonly families: number;
  readonly firstUser: number;
  readonly until: number;
  readonly telegram: FakeTelegram;
  /** POSTs an update; resolves to the HTTP status (it may return before the reply). */
  post(update: Record<string, unknown>): Promise<number>;
  /** Resolves when the server has answered everything it accepted. */
  settled(): Promise<void>;
}

export interface FamiliesResult {
  readonly messages: number;
  readonly emergencies: number;
  /** What went wrong, one line per message. */
  readonly problems: string[];
  /** The longest time from posting a message about danger to its reply reaching Telegram. */
  readonly slowestEmergencyMs: number;
}

const EMERGENCY = realEngine().kb.replies.emergency.text.ru.trim().split('\n')[0]!;

export async function familiesWrite(options: FamiliesOptions): Promise<FamiliesResult> {
  const { telegram } = options;
  const problems: string[] = [];
  let messages = 0;
  let emergencies = 0;
  let slowestEmergencyMs = 0;
  const family = async (user: number) => {
    for (let n = 0; Date.now() < options.until; n++) {
      const urgent = n % 3 === 2;
      const mine = () => telegram.sent().filter((m) => m.chat_id === user);
      const before = mine().length;
      const started = Date.now();
      const status = await options.post(textUpdate(user, urgent ? 'муж бьет ребенка помогите' : n % 2 ? 'что такое линия 1899' : 'что такое линия 111'));
      // The time until this family's reply reaches Telegram, whatever the others wait for.
      const took = (await eventually(() => (mine().length > before ? Date.now() : undefined), 15_000).catch(() => Infinity)) - started;
      await options.settled();
      messages++;
      if (urgent) {
        emergencies++;
        slowestEmergencyMs = Math.max(slowestEmergencyMs, took);
      }
      const replies = mine();
      if (status !== 200) problems.push(`${user}#${n}: status ${status}`);
      else if (replies.length !== before + 1) problems.push(`${user}#${n}: ${replies.length - before} replies`);
      else if (urgent && !replies.at(-1)!.text.includes(EMERGENCY)) problems.push(`${user}#${n}: not the emergency reply`);
    }
  };
  await Promise.all(Array.from({ length: options.families }, (_, i) => family(options.firstUser + i)));
  return { messages, emergencies, problems, slowestEmergencyMs };
}

/**
 * The bench's fake Bot API, run in a process of its own (Telegram's servers are not in ours). It
 * tells the bench, over IPC, how many replies it has received so far and when (epoch ms, from
 * performance.timeOrigin) the first reply to `EMERGENCY_CHAT` came, and forgets what it received,
 * so its records cost no memory.
 */
import { FakeTelegram } from '../tests/helpers/fake-telegram.js';

export interface FakeApiReport {
  readonly url?: string;
  readonly replies?: number;
  readonly lastReplyAt?: number;
  readonly emergencyAnsweredAt?: number;
}

const emergencyChat = Number(process.argv[2]);
const fake = await new FakeTelegram().start();
const send = (report: FakeApiReport) => process.send!(report);
const epoch = () => performance.timeOrigin + performance.now();
let replies = 0;
let lastReplyAt = 0;
let emergencyAnsweredAt = 0;
setInterval(() => {
  const sent = fake.sent();
  fake.clear();
  if (sent.length === 0) return;
  replies += sent.length;
  lastReplyAt = epoch();
  if (emergencyAnsweredAt === 0 && sent.some((s) => s.chat_id === emergencyChat)) emergencyAnsweredAt = epoch();
  send({ replies, lastReplyAt, ...(emergencyAnsweredAt ? { emergencyAnsweredAt } : {}) });
}, 20);
send({ url: fake.url });
process.on('disconnect', () => process.exit(0));

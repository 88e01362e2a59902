/** `jardam chat`: a terminal conversation with the engine, with numbered options like a text channel. */
import { createInterface } from 'node:readline/promises';
import type { Engine } from '../engine/engine.js';
import type { Reply, Session } from '../engine/types.js';

export function renderReply(engine: Engine, reply: Reply): string {
  const lines = [reply.text];
  if (reply.options.length > 0) {
    lines.push('', engine.t(reply.lang, 'cli.options'));
    reply.options.forEach((o, i) => lines.push(`  ${i + 1}. ${o.label}`));
  }
  if (reply.askFeedback) lines.push('', `${engine.t(reply.lang, 'feedback.prompt')} ${engine.t(reply.lang, 'feedback.up')} / ${engine.t(reply.lang, 'feedback.down')}`);
  return lines.join('\n');
}

export async function runChat(engine: Engine, start: Session): Promise<number> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  let session: Session = { ...start };
  const lang = session.lang ?? 'ru';
  console.log(`${engine.t(lang, 'welcome')}\n\n${engine.t(lang, 'cli.intro')}\n`);
  rl.setPrompt(`${engine.t(session.lang ?? lang, 'cli.you')}> `);
  rl.prompt();
  for await (const line of rl) {
    const result = engine.turn({ text: line }, session);
    session = result.session;
    console.log(`\n${renderReply(engine, result.reply)}\n`);
    rl.setPrompt(`${engine.t(session.lang ?? result.reply.lang, 'cli.you')}> `);
    rl.prompt();
  }
  return 0;
}

/** `jardam telegram setup`: webhook and command menu, from the same environment as the server. */
import { loadConfigOrExplain } from './config.js';
import { setupTelegram } from '../channels/telegram/setup.js';
import { TELEGRAM_WEBHOOK_PATH } from '../server/start.js';
import { loadEngineOrExplain } from './load-engine.js';

export async function runTelegramSetup(root: string | undefined): Promise<number> {
  const config = loadConfigOrExplain();
  if (!config) return 2;
  if (!config.telegram) {
    console.error('jardam: TELEGRAM_BOT_TOKEN is not set');
    return 2;
  }
  const engine = loadEngineOrExplain(root);
  if (!engine) return 1;
  for (const line of await setupTelegram(config.telegram, config.publicUrl, TELEGRAM_WEBHOOK_PATH, engine.t, config.caseworkers)) console.log(`ok: ${line}`);
  return 0;
}

/**
 * Registers the webhook (with its secret token) and the bot's command menu in each language.
 * Run once after deploying, and again whenever PUBLIC_URL or the secret changes.
 */
import { Api } from 'grammy';
import type { TelegramConfig } from '../../config.js';
import type { Translate } from '../../engine/i18n.js';
import { LANGS } from '../../types.js';
import { COMMANDS } from './bot.js';

export async function setupTelegram(config: TelegramConfig, publicUrl: string | undefined, webhookPath: string, t: Translate): Promise<string[]> {
  const api = new Api(config.token, { apiRoot: config.apiRoot });
  const done: string[] = [];
  const commands = (lang: (typeof LANGS)[number]) => Object.keys(COMMANDS).map((command) => ({ command, description: t(lang, `telegram.commands.${command}`) }));
  for (const lang of LANGS) {
    await api.setMyCommands(commands(lang), { language_code: lang });
    done.push(`commands (${lang})`);
  }
  await api.setMyCommands(commands('ru'));
  done.push('commands (default: ru)');
  if (config.mode === 'webhook') {
    const url = `${publicUrl}${webhookPath}`;
    await api.setWebhook(url, { secret_token: config.webhookSecret!, allowed_updates: ['message', 'callback_query'] });
    done.push(`webhook ${url}`);
  } else {
    await api.deleteWebhook();
    done.push('webhook removed (long polling)');
  }
  return done;
}

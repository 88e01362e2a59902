/**
 * Registers the webhook (with its secret token) and the bot's command menu in each language.
 * Run once after deploying, and again whenever PUBLIC_URL or the secret changes.
 */
import { Api } from 'grammy';
import type { TelegramConfig } from '../../config.js';
import type { Translate } from '../../engine/i18n.js';
import { LANGS } from '../../types.js';
import { COMMANDS } from './bot.js';
import { CASEWORKER_COMMANDS } from './caseworkers.js';
import type { CaseworkerConfig } from '../../config.js';

export async function setupTelegram(config: TelegramConfig, publicUrl: string | undefined, webhookPath: string, t: Translate, caseworkers?: CaseworkerConfig): Promise<string[]> {
  const api = new Api(config.token, { apiRoot: config.apiRoot });
  const done: string[] = [];
  const commands = (lang: (typeof LANGS)[number]) => Object.keys(COMMANDS).map((command) => ({ command, description: t(lang, `telegram.commands.${command}`) }));
  for (const lang of LANGS) {
    await api.setMyCommands(commands(lang), { language_code: lang });
    done.push(`commands (${lang})`);
  }
  await api.setMyCommands(commands('ru'));
  done.push('commands (default: ru)');
  if (caseworkers?.chatId) {
    // The caseworkers' group sees their commands instead of the families' menu.
    const staff = CASEWORKER_COMMANDS.map((command) => ({ command, description: t(caseworkers.lang, `caseworker.commands.${command}`) }));
    await api.setMyCommands(staff, { scope: { type: 'chat', chat_id: caseworkers.chatId } });
    done.push(`caseworker commands (group ${caseworkers.chatId}, ${caseworkers.lang})`);
  }
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

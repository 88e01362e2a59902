/**
 * Caseworkers in Telegram. Tickets are posted in the caseworkers' group with Take / Close
 * buttons; a caseworker answers a family by replying to a ticket's post (or `/reply 12 text`),
 * and gets any answer in another language with `/for ky question`. Only allow-listed people act:
 * ids from configuration, or accounts an administrator linked to a Telegram id.
 */
import { InlineKeyboard, type Bot, type Context } from 'grammy';
import type { Engine } from '../../engine/engine.js';
import type { HandoffDesk, Refusal } from '../../handoff/desk.js';
import { relay } from '../../handoff/relay.js';
import type { CaseworkerBoard, DeliveryResult } from '../../handoff/types.js';
import type { Store, Ticket } from '../../store/types.js';
import { isLang, USER_COUNTRIES, type Lang, type UserCountry } from '../../types.js';
import { describeTicket, recentLines } from '../../handoff/describe.js';

export interface CaseworkerDeps {
  readonly bot: Bot;
  readonly desk: HandoffDesk;
  readonly store: Store;
  readonly engine: () => Engine;
  /** The caseworkers' group, where tickets are posted. */
  readonly chatId?: string;
  /** Telegram user ids allowed to act, besides accounts linked to a Telegram id. */
  readonly allowed: readonly string[];
  /** The language caseworkers read. */
  readonly lang: Lang;
}

/** Commands only caseworkers use; a family never sees them in its menu. */
export const CASEWORKER_COMMANDS = ['for', 'reply', 'take', 'close', 'tickets'] as const;

const TICKET_REF = /#(\d+)/;

export function telegramBoard(deps: CaseworkerDeps & { chatId: string }): CaseworkerBoard {
  const { bot, chatId, lang } = deps;
  const t = (key: string, options?: Record<string, unknown>) => deps.engine().t(lang, key, options);
  const post = async (ticket: Ticket, body: string, buttons = false) => {
    const text = `${describeTicket(ticket, deps.engine(), lang)}\n${body}`;
    const keyboard = buttons ? new InlineKeyboard().text(t('caseworker.take'), `ticket:take:${ticket.id}`).text(t('caseworker.close'), `ticket:close:${ticket.id}`) : undefined;
    await bot.api.sendMessage(chatId, text, { link_preview_options: { is_disabled: true }, ...(keyboard ? { reply_markup: keyboard } : {}) });
  };
  return {
    ticketOpened: (ticket) => post(ticket, t('caseworker.opened', { reason: t(`caseworker.reason.${ticket.reason}`) }) + recentText(ticket, deps.engine(), lang), true),
    familyWrote: (ticket, text, urgent) => post(ticket, t(urgent ? 'caseworker.family_urgent' : 'caseworker.family_wrote', { text }), ticket.status === 'open'),
    caseworkerReplied: (ticket, author, text, result) => post(ticket, `${t('caseworker.replied', { author, text })}\n${t(`caseworker.delivery.${result}`)}`),
    ticketChanged: (ticket, actor) => post(ticket, t(ticket.status === 'closed' ? 'caseworker.closed' : 'caseworker.taken', { actor })),
  };
}

/** What the family saw before asking, in the caseworker's language. */
function recentText(ticket: Ticket, engine: Engine, lang: Lang): string {
  const lines = recentLines(ticket, engine, lang);
  if (lines.length === 0) return `\n${engine.t(lang, 'caseworker.no_recent')}`;
  return `\n${engine.t(lang, 'caseworker.recent_title')}\n${lines.map((line) => `• ${line.text}`).join('\n')}`;
}

/**
 * Installs the caseworker handlers before the family's: in the caseworkers' group every update is
 * theirs (the bot never answers there as to a family); elsewhere only caseworker commands and
 * ticket buttons are.
 */
export function installCaseworkers(deps: CaseworkerDeps): void {
  const { bot, desk, lang } = deps;
  const t = (key: string, options?: Record<string, unknown>) => deps.engine().t(lang, key, options);
  const inGroup = (ctx: Context) => deps.chatId !== undefined && String(ctx.chat?.id) === deps.chatId;

  /** The caseworker's name for tickets and the audit log, or undefined if not allow-listed. */
  const actorOf = async (ctx: Context): Promise<string | undefined> => {
    if (!ctx.from) return undefined;
    const id = String(ctx.from.id);
    const account = await deps.store.accountByTelegram(id);
    if (account) return account.username;
    return deps.allowed.includes(id) ? `telegram:${id}` : undefined;
  };
  const say = (ctx: Context, text: string) => ctx.reply(text, { link_preview_options: { is_disabled: true } });
  const refused = (ctx: Context, id: number, refusal: Refusal) => say(ctx, t(`caseworker.refusal.${refusal}`, { id }));
  const delivered = (result: DeliveryResult) => t(`caseworker.delivery.${result}`);

  const reply = async (ctx: Context, actor: string, id: number, text: string) => {
    const outcome = await desk.reply(id, actor, text);
    // In the group the board already shows the reply and whether it arrived.
    if (!outcome.ok) await refused(ctx, id, outcome.refusal);
    else if (!inGroup(ctx)) await say(ctx, delivered(outcome.result));
  };

  const commands: Record<(typeof CASEWORKER_COMMANDS)[number], (ctx: Context, actor: string, args: string) => Promise<unknown>> = {
    for: async (ctx, _actor, args) => {
      const [target, ...rest] = args.split(/\s+/);
      let country: UserCountry | undefined;
      if (rest[0] && (USER_COUNTRIES as readonly string[]).includes(rest[0].toUpperCase())) country = rest.shift()!.toUpperCase() as UserCountry;
      const question = rest.join(' ').trim();
      if (!isLang(target) || question === '') return say(ctx, t('caseworker.usage_for'));
      return say(ctx, relay(deps.engine(), question, target, lang, country).text);
    },
    reply: async (ctx, actor, args) => {
      const match = /^#?(\d+)\s+([\s\S]+)$/.exec(args.trim());
      if (!match) return say(ctx, t('caseworker.usage_reply'));
      return reply(ctx, actor, Number(match[1]), match[2]!.trim());
    },
    take: async (ctx, actor, args) => {
      const id = Number(args.replace('#', '').trim());
      const outcome = await desk.take(id, actor);
      if (!outcome.ok) return refused(ctx, id, outcome.refusal);
      return inGroup(ctx) ? undefined : say(ctx, t('caseworker.taken', { actor }));
    },
    close: async (ctx, actor, args) => {
      const id = Number(args.replace('#', '').trim());
      const outcome = await desk.close(id, actor);
      if (!outcome.ok) return refused(ctx, id, outcome.refusal);
      return inGroup(ctx) ? undefined : say(ctx, t('caseworker.closed', { actor }));
    },
    tickets: async (ctx) => {
      const active = await deps.store.tickets({ status: ['open', 'taken'], limit: 30 });
      if (active.length === 0) return say(ctx, t('caseworker.tickets_none'));
      return say(ctx, active.map((ticket) => describeTicket(ticket, deps.engine(), lang)).join('\n\n'));
    },
  };

  bot.use(async (ctx, next) => {
    const data = ctx.callbackQuery?.data;
    const text = ctx.message?.text;
    const command = text ? /^\/([a-z]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text) : null;
    const isCommand = command !== null && (CASEWORKER_COMMANDS as readonly string[]).includes(command[1]!);
    const isTicketButton = data?.startsWith('ticket:') ?? false;
    if (!inGroup(ctx) && !isCommand && !isTicketButton) return next();

    const actor = await actorOf(ctx);
    if (isTicketButton) {
      await ctx.answerCallbackQuery(actor ? undefined : { text: t('caseworker.not_allowed') });
      if (!actor) return;
      const [, action, id] = data!.split(':');
      if (action === 'take') return commands.take(ctx, actor, id ?? '');
      if (action === 'close') return commands.close(ctx, actor, id ?? '');
      return;
    }
    if (!actor) {
      // In the group a stranger is ignored; elsewhere they are told, once per command.
      if (isCommand && !inGroup(ctx)) await say(ctx, t('caseworker.not_allowed'));
      return;
    }
    if (isCommand) return commands[command![1] as keyof typeof commands](ctx, actor, command![2] ?? '');
    // A reply to a ticket's post goes to that family.
    const replied = ctx.message?.reply_to_message;
    const ref = replied?.from?.id === ctx.me.id ? TICKET_REF.exec(replied.text ?? '') : null;
    if (ref && text) return reply(ctx, actor, Number(ref[1]), text);
  });
}

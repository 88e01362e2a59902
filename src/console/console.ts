/**
 * The caseworkers' web console and the administrators' page, behind a login.
 *
 * - `GET /console` serves the page (public/console/); `GET /console/strings` its interface strings
 *   in the three languages (nothing secret: the login form needs them before anyone logs in).
 * - `POST /console/login` checks the password (scrypt, see accounts/password.ts) and sets a signed,
 *   HttpOnly, SameSite=Strict cookie for 12 hours (see session.ts); `POST /console/logout` removes it.
 *   Wrong passwords are throttled per username (see lockout.ts) and audited.
 * - `/console/api/…`: tickets, relay (caseworkers and admins) and `/console/api/admin/…` (admins).
 *   The account is read again on every request: a deleted account, a changed password or a
 *   changed role takes effect at once.
 *
 * Every POST must be `content-type: application/json` and, when the browser sends an Origin, come
 * from this server's own origin: with SameSite=Strict, a second defence against cross-site requests.
 * Responses never carry a ticket's delivery address (the family's phone number or chat id) and
 * the log never carries message text.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from '../accounts/password.js';
import type { Engine } from '../engine/engine.js';
import type { HandoffDesk, Refusal } from '../handoff/desk.js';
import { relay } from '../handoff/relay.js';
import { findGaps, gapAnalyzer, gapsToCsv } from '../reports/gaps.js';
import { buildStats, statsToCsv } from '../reports/stats.js';
import { HttpError, readBody, type Route } from '../server/http.js';
import type { Account, Store, Ticket } from '../store/types.js';
import type { DeliveryResult } from '../handoff/types.js';
import type { KnowledgeStatus } from '../server/live-engine.js';
import { isLang, LANGS, USER_COUNTRIES, type Lang } from '../types.js';
import { LoginThrottle } from './lockout.js';
import { knowledgeView, messageView, recentView, ticketView } from './views.js';
import { COOKIE_NAME, ConsoleSessions, readCookie, SESSION_TTL_MS, sessionCookie } from './session.js';

export const CONSOLE_PATH = '/console';
export const API = '/console/api';
/** JSON bodies: a reply of 4000 characters, escaped, fits with room to spare. */
export const BODY_LIMIT = 32 * 1024;
export const MAX_REPLY_CHARS = 4000;
export const MAX_RELAY_CHARS = 2000;
export const AUDIT_LIMIT = 200;
/** Closed tickets shown under the active ones. */
const RECENTLY_CLOSED = 20;
const ACTIVE_LIMIT = 200;

/** Locale sections the page reads (its own strings, and the ones it shares with the Telegram board). */
const STRING_SECTIONS = ['console', 'caseworker', 'country', 'language'] as const;

export interface ConsoleDeps {
  readonly store: Store;
  readonly desk: HandoffDesk;
  /** The serving engine and its reload status (the server's LiveEngine). */
  readonly knowledge: { engine(): Engine; status(): KnowledgeStatus };
  readonly log: Logger;
  /** Signs the login cookies: `dataSecret(undefined, dataDir, 'console')`, the same file on every instance. */
  readonly secret: string;
  /** The language caseworkers read by default (CASEWORKER_LANG). */
  readonly lang: Lang;
  /** public/console */
  readonly assetsDir: string;
  /** PUBLIC_URL: its origin is accepted besides the Host header (behind a proxy that rewrites Host). */
  readonly publicUrl?: string;
  readonly now?: () => number;
}

export interface Console {
  readonly routes: Route[];
}

type Handler = Route['handler'];
type Authed = (req: IncomingMessage, res: ServerResponse, account: Account) => Promise<void>;

const ASSETS: Record<string, [file: string, type: string]> = {
  [CONSOLE_PATH]: ['index.html', 'text/html; charset=utf-8'],
  [`${CONSOLE_PATH}/console.js`]: ['console.js', 'text/javascript; charset=utf-8'],
  [`${CONSOLE_PATH}/console.css`]: ['console.css', 'text/css; charset=utf-8'],
};

/** Headers for every console response: nothing cached, nothing framed, nothing sniffed. */
const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;
const PAGE_HEADERS = {
  ...BASE_HEADERS,
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
} as const;

const id = z.number({ message: 'must be a ticket number' }).int().positive().max(2 ** 31);
const schemas = {
  login: z.object({
    username: z.string({ message: 'is required' }).trim().min(1, 'is required').max(64, 'is too long'),
    password: z.string({ message: 'is required' }).min(1, 'is required').max(MAX_PASSWORD_LENGTH, 'is too long'),
  }),
  ticket: z.object({ id }),
  reply: z.object({
    id,
    text: z.string({ message: 'is required' }).trim().min(1, 'is empty').max(MAX_REPLY_CHARS, `must be at most ${MAX_REPLY_CHARS} characters`),
  }),
  relay: z.object({
    question: z.string({ message: 'is required' }).trim().min(1, 'is empty').max(MAX_RELAY_CHARS, `must be at most ${MAX_RELAY_CHARS} characters`),
    lang: z.enum(LANGS, { message: 'must be fr, ru or ky' }),
    country: z.enum(USER_COUNTRIES, { message: `must be one of ${USER_COUNTRIES.join(', ')}` }).optional(),
    staffLang: z.enum(LANGS, { message: 'must be fr, ru or ky' }).optional(),
  }),
  empty: z.object({}).passthrough(),
};

/** An HttpError with more for the page (a refusal code, seconds to wait) and headers. */
class ConsoleError extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(status, message);
  }
}

const fail = (status: number, message: string, extra?: Record<string, unknown>, headers?: Record<string, string>): ConsoleError => new ConsoleError(status, message, extra, headers);

const REFUSAL_STATUS: Record<Refusal, number> = { unknown: 404, closed: 409, 'taken-by-other': 409 };

function send(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

function csv(res: ServerResponse, name: string, body: string, now: number): void {
  // The byte order mark makes spreadsheet programs read UTF-8 (Cyrillic) correctly.
  const text = body.startsWith('\uFEFF') ? body : `\uFEFF${body}`;
  send(res, 200, text, 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="jardam-${name}-${new Date(now).toISOString().slice(0, 10)}.csv"` });
}

function query(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/** The language to render for: `?lang=` when valid, the caseworkers' language otherwise. */
function langOf(req: IncomingMessage, fallback: Lang): Lang {
  const lang = query(req).get('lang');
  return isLang(lang) ? lang : fallback;
}

/** Nested locale keys flattened to `section.key` strings. */
function flatten(value: unknown, prefix: string, out: Record<string, string>): Record<string, string> {
  if (typeof value === 'string') out[prefix] = value;
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}.${k}`, out);
  return out;
}

export function createConsole(deps: ConsoleDeps): Console {
  const { store, desk, log } = deps;
  const now = deps.now ?? Date.now;
  const sessions = new ConsoleSessions(deps.secret, now);
  const throttle = new LoginThrottle(now);
  const engine = () => deps.knowledge.engine();
  const publicHost = deps.publicUrl ? new URL(deps.publicUrl).host : undefined;
  // Unknown usernames are checked against this, so they take as long as known ones.
  const decoy = hashPassword('decoy password, never anyone’s');
  decoy.catch(() => undefined);
  let mismatchWarned = 0;

  // The page's three files are small: read once at start, not on every request.
  const assets = new Map(
    Object.entries(ASSETS)
      .filter(([, [file]]) => existsSync(join(deps.assetsDir, file)))
      .map(([path, [file, type]]) => [path, { body: readFileSync(join(deps.assetsDir, file), 'utf8'), type }]),
  );
  if (assets.size < Object.keys(ASSETS).length) log.warn({ dir: deps.assetsDir }, 'console page files missing: the page is not served (the API is)');

  const secure = (req: IncomingMessage) =>
    deps.publicUrl?.startsWith('https://') === true || req.headers['x-forwarded-proto'] === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;

  /** Errors this module raises become JSON `{error}` with their status; anything else goes to the server's 500. */
  const guarded =
    (handler: Handler): Handler =>
    async (req, res) => {
      try {
        await handler(req, res);
      } catch (err) {
        if (!(err instanceof HttpError) || res.headersSent) throw err;
        req.resume();
        const extra = err instanceof ConsoleError ? err.extra : {};
        json(res, err.status, { error: err.message, ...extra }, err instanceof ConsoleError ? err.headers : {});
      }
    };

  /** The CSRF checks every POST passes before anything else: a JSON content type, and our own origin. */
  const checkPost = (req: IncomingMessage) => {
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\s*(;|$)/i.test(type)) throw fail(415, 'content-type must be application/json');
    const origin = req.headers.origin;
    if (origin === undefined) return;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw fail(403, 'cross-origin request refused');
    }
    const forwarded = req.headers['x-forwarded-host'];
    const allowed = [req.headers.host, typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : undefined, publicHost];
    if (!host || !allowed.includes(host)) throw fail(403, 'cross-origin request refused');
  };

  async function body<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
    const raw = await readBody(req, BODY_LIMIT);
    let data: unknown = {};
    if (raw.length > 0) {
      try {
        data = JSON.parse(raw.toString('utf8'));
      } catch {
        throw fail(400, 'the body is not valid JSON');
      }
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw fail(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    return parsed.data;
  }

  /** The logged-in account, read from the store now; 401 without a valid session, 403 without the role. */
  async function authenticate(req: IncomingMessage, admin: boolean): Promise<Account> {
    const verified = sessions.verify(readCookie(req, COOKIE_NAME));
    if (!verified.ok) {
      // Valid in form but signed with another key: forged, or instances that do not share the secret file.
      if (verified.fault === 'signature' && now() - mismatchWarned > 60_000) {
        mismatchWarned = now();
        log.warn({ key: sessions.fingerprint() }, 'console cookie with a bad signature: forged, or instances do not share DATA_DIR/console-secret');
      }
      throw fail(401, verified.fault === 'expired' ? 'session expired: log in again' : 'not logged in');
    }
    const account = await store.account(verified.claims.username);
    if (!account || !sessions.matches(verified.claims, account)) throw fail(401, 'session ended: log in again');
    if (admin && account.role !== 'admin') throw fail(403, 'for administrators only');
    return account;
  }

  const route = (method: Route['method'], path: string, handler: Handler): Route => ({ method, path, handler: guarded(handler) });
  const staff = (method: Route['method'], path: string, handler: Authed, admin = false): Route =>
    route(method, path, async (req, res) => {
      if (method === 'POST') checkPost(req);
      const account = await authenticate(req, admin);
      await handler(req, res, account);
    });

  const refused = (ticketId: number, refusal: Refusal, lang: Lang): HttpError =>
    fail(REFUSAL_STATUS[refusal], engine().t(lang, `caseworker.refusal.${refusal}`, { id: ticketId }), { refusal });

  // ---------------------------------------------------------------- page and session

  const page: Handler = (req, res) => {
    const asset = assets.get((req.url ?? '/').split('?')[0]!);
    if (!asset) throw fail(404, 'not found');
    send(res, 200, asset.body, asset.type, PAGE_HEADERS);
  };

  const strings: Handler = (_req, res) => {
    const locales = engine().kb.locales;
    const all = Object.fromEntries(
      LANGS.map((lang) => [lang, Object.fromEntries(STRING_SECTIONS.flatMap((section) => Object.entries(flatten(locales[lang][section], section, {}))))]),
    );
    json(res, 200, { lang: deps.lang, langs: LANGS, countries: USER_COUNTRIES, maxReply: MAX_REPLY_CHARS, strings: all });
  };

  const login: Handler = async (req, res) => {
    checkPost(req);
    const { username, password } = await body(req, schemas.login);
    const wait = throttle.lockedFor(username);
    if (wait > 0) {
      // Not audited again: the failure that locked the name was, and refusals must not flood the log.
      log.warn({ retryAfterSeconds: Math.ceil(wait / 1000) }, 'console login refused: username locked');
      throw fail(429, 'too many failed logins: try again later', { retryAfter: Math.ceil(wait / 1000) }, { 'retry-after': String(Math.ceil(wait / 1000)) });
    }
    const account = await store.account(username);
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoy));
    if (!account || !ok) {
      const locked = throttle.failed(username);
      await store.audit({ at: now(), actor: 'console', action: 'console.login_failed', target: username, ...(locked ? { detail: 'locked' } : {}) });
      log.warn({ locked }, 'console login failed');
      throw fail(401, 'wrong username or password');
    }
    throttle.succeeded(username);
    const { value } = sessions.issue(account);
    await store.audit({ at: now(), actor: account.username, action: 'console.login' });
    log.info({ actor: account.username, role: account.role }, 'console login');
    json(res, 200, { username: account.username, role: account.role, expires: now() + SESSION_TTL_MS }, {
      'set-cookie': sessionCookie(value, { secure: secure(req), maxAgeSeconds: SESSION_TTL_MS / 1000 }),
    });
  };

  const logout: Handler = async (req, res) => {
    checkPost(req);
    await body(req, schemas.empty);
    const verified = sessions.verify(readCookie(req, COOKIE_NAME));
    if (verified.ok) await store.audit({ at: now(), actor: verified.claims.username, action: 'console.logout' });
    json(res, 200, { ok: true }, { 'set-cookie': sessionCookie('', { secure: secure(req), maxAgeSeconds: 0 }) });
  };

  const me: Authed = async (_req, res, account) => {
    json(res, 200, { username: account.username, role: account.role });
  };

  // ---------------------------------------------------------------- caseworkers

  const tickets: Authed = async (req, res, account) => {
    const lang = langOf(req, deps.lang);
    const active = await store.tickets({ status: ['open', 'taken'], limit: ACTIVE_LIMIT });
    const closed = await store.tickets({ status: ['closed'], limit: RECENTLY_CLOSED });
    // Waiting families first (longest waiting on top), then tickets in progress, then recently closed.
    const open = active.filter((t) => t.status === 'open').sort((a, b) => a.at - b.at || a.id - b.id);
    const taken = active.filter((t) => t.status === 'taken').sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);
    const done = closed.sort((a, b) => (b.closedAt ?? b.updatedAt) - (a.closedAt ?? a.updatedAt) || b.id - a.id);
    const e = engine();
    json(res, 200, { tickets: [...open, ...taken, ...done].map((t) => ticketView(t, account.username, e, lang)) });
  };

  const ticket: Authed = async (req, res, account) => {
    const lang = langOf(req, deps.lang);
    const raw = query(req).get('id') ?? '';
    const parsed = /^\d{1,10}$/.test(raw) ? id.safeParse(Number(raw)) : undefined;
    if (!parsed?.success) throw fail(400, 'id: must be a ticket number');
    const found = await store.ticket(parsed.data);
    if (!found) throw refused(parsed.data, 'unknown', lang);
    const e = engine();
    const messages = await store.ticketMessages(found.id);
    json(res, 200, { ticket: { ...ticketView(found, account.username, e, lang), recent: recentView(found, e, lang), messages: messages.map(messageView) } });
  };

  const take: Authed = async (req, res, account) => {
    const { id: ticketId } = await body(req, schemas.ticket);
    const lang = langOf(req, deps.lang);
    const outcome = await desk.take(ticketId, account.username);
    if (!outcome.ok) throw refused(ticketId, outcome.refusal, lang);
    log.info({ ticket: ticketId, actor: account.username }, 'console: ticket taken');
    json(res, 200, { ticket: ticketView(outcome.ticket, account.username, engine(), lang) });
  };

  /** What became of a message to the family, in the caseworker's words, with the ticket as it is now. */
  const deliveryView = (outcome: { result: DeliveryResult; ticket: Ticket }, me: string, lang: Lang) => ({
    result: outcome.result,
    delivered: outcome.result === 'sent',
    message: engine().t(lang, `caseworker.delivery.${outcome.result}`),
    ticket: ticketView(outcome.ticket, me, engine(), lang),
  });

  const reply: Authed = async (req, res, account) => {
    const { id: ticketId, text } = await body(req, schemas.reply);
    const lang = langOf(req, deps.lang);
    const outcome = await desk.reply(ticketId, account.username, text);
    if (!outcome.ok) throw refused(ticketId, outcome.refusal, lang);
    log.info({ ticket: ticketId, actor: account.username, result: outcome.result }, 'console: reply sent');
    json(res, 200, deliveryView(outcome, account.username, lang));
  };

  const close: Authed = async (req, res, account) => {
    const { id: ticketId } = await body(req, schemas.ticket);
    const lang = langOf(req, deps.lang);
    const outcome = await desk.close(ticketId, account.username);
    if (!outcome.ok) throw refused(ticketId, outcome.refusal, lang);
    log.info({ ticket: ticketId, actor: account.username, result: outcome.result }, 'console: ticket closed');
    json(res, 200, deliveryView(outcome, account.username, lang));
  };

  const relayed: Authed = async (req, res) => {
    const { question, lang, country, staffLang } = await body(req, schemas.relay);
    const result = relay(engine(), question, lang, staffLang ?? deps.lang, country);
    json(res, 200, { found: result.found, text: result.text, lang: result.found ? lang : (staffLang ?? deps.lang), ...(result.entry ? { entry: result.entry } : {}) });
  };

  // ---------------------------------------------------------------- administrators

  const wantsCsv = (req: IncomingMessage) => query(req).get('format') === 'csv';
  /** `?days=N`: only the last N days; everything kept otherwise. */
  const sinceOf = (req: IncomingMessage): number | undefined => {
    const days = Number(query(req).get('days') ?? '');
    return Number.isInteger(days) && days > 0 && days <= 3650 ? now() - days * 86_400_000 : undefined;
  };

  const stats: Authed = async (req, res) => {
    const since = sinceOf(req);
    const report = buildStats(await store.turnCounts(since), await store.feedbackCounts(since));
    if (wantsCsv(req)) return csv(res, 'stats', statsToCsv(report), now());
    json(res, 200, { stats: report });
  };

  const gaps: Authed = async (req, res) => {
    const e = engine();
    const since = sinceOf(req);
    const groups = findGaps(await store.questions(since === undefined ? {} : { since }), gapAnalyzer(e));
    if (wantsCsv(req)) return csv(res, 'gaps', gapsToCsv(groups), now());
    json(res, 200, {
      gaps: groups.map((g) => ({
        ...g,
        // Entry ids are for editors; titles help everyone else.
        entries: g.entries.map((x) => ({ ...x, title: e.kb.entries.get(x.entry)?.title[langOf(req, deps.lang)] ?? x.entry })),
      })),
    });
  };

  const knowledge: Authed = async (_req, res) => {
    json(res, 200, { knowledge: knowledgeView(deps.knowledge.status()) });
  };

  const audit: Authed = async (_req, res) => {
    json(res, 200, { audit: await store.auditLog(AUDIT_LIMIT) });
  };

  const accounts: Authed = async (_req, res) => {
    const list = await store.accounts();
    json(res, 200, {
      accounts: list.map((a) => ({ username: a.username, role: a.role, ...(a.telegramId ? { telegramId: a.telegramId } : {}), createdAt: a.createdAt })),
    });
  };

  return {
    routes: [
      ...Object.keys(ASSETS).map((path) => route('GET', path, page)),
      route('GET', `${CONSOLE_PATH}/strings`, strings),
      route('POST', `${CONSOLE_PATH}/login`, login),
      route('POST', `${CONSOLE_PATH}/logout`, logout),
      staff('GET', `${API}/me`, me),
      staff('GET', `${API}/tickets`, tickets),
      staff('GET', `${API}/ticket`, ticket),
      staff('POST', `${API}/ticket/take`, take),
      staff('POST', `${API}/ticket/reply`, reply),
      staff('POST', `${API}/ticket/close`, close),
      staff('POST', `${API}/relay`, relayed),
      staff('GET', `${API}/admin/stats`, stats, true),
      staff('GET', `${API}/admin/gaps`, gaps, true),
      staff('GET', `${API}/admin/knowledge`, knowledge, true),
      staff('GET', `${API}/admin/audit`, audit, true),
      staff('GET', `${API}/admin/accounts`, accounts, true),
    ],
  };
}

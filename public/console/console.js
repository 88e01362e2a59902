// Jardam console: caseworkers answer families' tickets and forward answers in another language;
// administrators see statistics, knowledge gaps, the knowledge base's status and the audit log.
// Every visible word comes from the server (locales/). Text from families and caseworkers is
// only ever set as textContent, never as HTML.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 5000;
  const LANG_KEY = 'jardam.console.lang';

  let strings = {};
  let lang = 'ru';
  let countries = [];
  let me;
  let tickets = [];
  let selected;
  let shownMessages = new Set();
  let knownOpen;
  let timer;
  let adminTab = false;

  /** An interface string with its {{placeholders}} filled in. */
  function s(key, vars) {
    const text = (strings[lang] && strings[lang][key]) || (strings.ru && strings.ru[key]) || key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => (vars && vars[name] !== undefined ? String(vars[name]) : ''));
  }

  const time = (ms) => (ms ? new Date(ms).toLocaleString(lang === 'ky' ? 'ky-KG' : lang, { dateStyle: 'short', timeStyle: 'short' }) : '');

  function el(tag, options, children) {
    const node = document.createElement(tag);
    if (options) {
      for (const [name, value] of Object.entries(options)) {
        if (value === undefined || value === null || value === false) continue;
        if (name === 'text') node.textContent = value;
        else if (name === 'className') node.className = value;
        else node.setAttribute(name, value === true ? '' : value);
      }
    }
    for (const child of children || []) if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    return node;
  }

  function announce(text) {
    $('announce').textContent = '';
    setTimeout(() => ($('announce').textContent = text), 50);
  }

  class ApiError extends Error {
    constructor(status, data) {
      super((data && data.error) || String(status));
      this.status = status;
      this.data = data || {};
    }
  }

  /** JSON over fetch; a 401 anywhere means the session is over: back to the login form. */
  async function api(method, path, body) {
    const sep = path.includes('?') ? '&' : '?';
    const response = await fetch(`${path}${sep}lang=${lang}`, {
      method,
      credentials: 'same-origin',
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: method === 'POST' ? JSON.stringify(body || {}) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && me) {
      showLogin(s('console.session_ended'));
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  /** What went wrong, for a person: refusals and known errors in their words, the server's otherwise. */
  function problem(err, id) {
    if (err instanceof ApiError) {
      if (err.data.refusal) return s(`caseworker.refusal.${err.data.refusal}`, { id });
      if (err.status === 403) return s('console.forbidden');
      return s('console.error', { error: err.message });
    }
    return s('console.network');
  }

  // ---------------------------------------------------------------- language

  function applyLanguage(next) {
    if (strings[next]) lang = next;
    localStorage.setItem(LANG_KEY, lang);
    document.documentElement.lang = lang;
    document.title = s('console.title');
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = s(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', s(node.dataset.i18nLabel));
    for (const b of document.querySelectorAll('#languages button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    const country = $('relay-country');
    const chosen = country.value;
    country.replaceChildren(el('option', { value: '', text: s('console.relay_any_country') }), ...countries.map((c) => el('option', { value: c, text: s(`country.${c}`) })));
    country.value = chosen;
    if (me) {
      $('whoami').textContent = s('console.signed_in_as', { username: me.username, role: s(`console.role.${me.role}`) });
      renderList();
      if (selected) renderTicket(selected, true);
      void refresh();
      if (adminTab) void loadAdmin();
    }
  }

  // ---------------------------------------------------------------- login

  function showLogin(message) {
    me = undefined;
    window.clearInterval(timer);
    selected = undefined;
    knownOpen = undefined;
    $('app').hidden = true;
    $('user').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('password').value = '';
    $('username').focus();
  }

  function showApp(account) {
    me = account;
    $('login').hidden = true;
    $('app').hidden = false;
    $('user').hidden = false;
    $('whoami').textContent = s('console.signed_in_as', { username: me.username, role: s(`console.role.${me.role}`) });
    $('tab-admin').hidden = me.role !== 'admin';
    selectTab(false);
    void refresh();
    window.clearInterval(timer);
    timer = window.setInterval(() => void refresh(), POLL_MS);
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = $('username').value.trim();
    const password = $('password').value;
    if (!username || !password) {
      $('login-error').textContent = s('console.login_missing');
      return;
    }
    $('login-submit').disabled = true;
    try {
      const account = await api('POST', '/console/login', { username, password });
      $('password').value = '';
      $('login-error').textContent = '';
      showApp(account);
      $('main').focus();
    } catch (err) {
      $('login-error').textContent =
        err instanceof ApiError && err.status === 429 ? s('console.login_locked') : err instanceof ApiError && err.status === 401 ? s('console.login_failed') : problem(err);
    } finally {
      $('login-submit').disabled = false;
    }
  });

  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/console/logout', {});
    } finally {
      showLogin('');
    }
  });

  // ---------------------------------------------------------------- tabs

  function selectTab(admin) {
    adminTab = admin && me && me.role === 'admin';
    $('tab-tickets').setAttribute('aria-selected', String(!adminTab));
    $('tab-admin').setAttribute('aria-selected', String(adminTab));
    $('tab-tickets').tabIndex = adminTab ? -1 : 0;
    $('tab-admin').tabIndex = adminTab ? 0 : -1;
    $('panel-tickets').hidden = adminTab;
    $('panel-admin').hidden = !adminTab;
    if (adminTab) void loadAdmin();
  }

  $('tab-tickets').addEventListener('click', () => selectTab(false));
  $('tab-admin').addEventListener('click', () => selectTab(true));
  $('tabs').addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    if ($('tab-admin').hidden) return;
    selectTab(!adminTab);
    (adminTab ? $('tab-admin') : $('tab-tickets')).focus();
  });

  // ---------------------------------------------------------------- tickets

  async function refresh() {
    if (!me) return;
    try {
      const data = await api('GET', '/console/api/tickets');
      tickets = data.tickets;
      $('list-status').textContent = '';
      const open = tickets.filter((t) => t.status === 'open');
      if (knownOpen) {
        for (const t of open) if (!knownOpen.has(t.id)) announce(s('console.new_ticket', { id: t.id }));
      }
      knownOpen = new Set(open.map((t) => t.id));
      renderList();
      if (selected) await loadTicket(selected.id, false);
    } catch (err) {
      if (me) $('list-status').textContent = problem(err);
    }
  }

  function renderList() {
    const item = (t) => {
      const button = el('button', { type: 'button', className: `ticket ${t.status}`, 'aria-current': selected && selected.id === t.id ? 'true' : undefined }, [
        el('span', { className: 'heading', text: t.heading }),
        el('span', { className: 'muted', text: `${s(`caseworker.reason.${t.reason}`)} · ${time(t.openedAt)}` }),
      ]);
      button.addEventListener('click', () => void loadTicket(t.id, true));
      return el('li', {}, [button]);
    };
    const active = tickets.filter((t) => t.status !== 'closed');
    const closed = tickets.filter((t) => t.status === 'closed');
    $('active').replaceChildren(...(active.length ? active.map(item) : [el('li', { className: 'muted', text: s('console.tickets_empty') })]));
    $('closed').replaceChildren(...closed.map(item));
    $('closed-title').hidden = closed.length === 0;
  }

  async function loadTicket(id, focus) {
    try {
      const data = await api('GET', `/console/api/ticket?id=${id}`);
      const changed = !selected || selected.id !== id;
      if (changed) {
        shownMessages = new Set();
        $('messages').replaceChildren();
        $('delivery').textContent = '';
        $('relay-lang').value = data.ticket.lang;
      }
      selected = data.ticket;
      renderTicket(selected, changed);
      renderList();
      if (focus) $('ticket-heading').focus();
    } catch (err) {
      $('delivery').textContent = problem(err, id);
    }
  }

  function renderTicket(t, full) {
    $('ticket').hidden = false;
    $('ticket-heading').textContent = t.heading;
    $('ticket-meta').textContent = [s('console.reason', { reason: s(`caseworker.reason.${t.reason}`) }), s('console.opened_at', { time: time(t.openedAt) })].join(' · ');
    $('take').hidden = t.status === 'closed' || t.mine;
    $('close').hidden = t.status === 'closed';
    $('reply-form').hidden = t.status === 'closed';
    $('reply-label').textContent = s('console.reply_label', { lang: s(`language.${t.lang}`) });
    updateCount();
    $('recent').replaceChildren(...(t.recent.length ? t.recent.map((r) => el('li', { text: r.text })) : [el('li', { className: 'muted', text: s('caseworker.no_recent') })]));
    if (full) {
      shownMessages = new Set();
      $('messages').replaceChildren();
    }
    // New messages are appended, so screen readers announce only those.
    for (const m of t.messages) {
      if (shownMessages.has(m.id)) continue;
      shownMessages.add(m.id);
      const who = m.from === 'caseworker' ? m.author || s('console.from.caseworker') : s(`console.from.${m.from}`);
      const item = el('li', { className: `message ${m.from}`, lang: m.from === 'family' ? t.lang : undefined }, [
        el('span', { className: 'who', text: `${who} · ${time(m.at)}` }),
        el('span', { className: 'text', text: m.text }),
        m.delivered ? null : el('span', { className: 'warning', text: s('console.not_delivered') }),
      ]);
      $('messages').appendChild(item);
    }
    const empty = t.messages.length === 0;
    if (empty && !$('messages').children.length) $('messages').appendChild(el('li', { className: 'muted empty', text: s('console.no_messages') }));
    if (!empty) for (const node of $('messages').querySelectorAll('.empty')) node.remove();
  }

  function updateCount() {
    const left = 4000 - $('reply').value.length;
    $('reply-count').textContent = s('console.chars_left', { count: left });
  }
  $('reply').addEventListener('input', updateCount);

  async function act(path, body, button) {
    if (!selected) return;
    const id = selected.id;
    button.disabled = true;
    try {
      const data = await api('POST', path, body);
      await loadTicket(id, false);
      await refresh();
      return data;
    } catch (err) {
      $('delivery').textContent = problem(err, id);
      return undefined;
    } finally {
      button.disabled = false;
    }
  }

  $('take').addEventListener('click', async () => {
    const data = await act('/console/api/ticket/take', { id: selected.id }, $('take'));
    if (data) {
      $('delivery').textContent = s('console.taken_by_you');
      $('reply').focus();
    }
  });

  $('close').addEventListener('click', async () => {
    const data = await act('/console/api/ticket/close', { id: selected.id }, $('close'));
    if (data) $('delivery').textContent = s(data.delivered ? 'console.closed_sent' : 'console.closed_unsent');
  });

  $('reply-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('reply').value.trim();
    if (!text) return;
    const data = await act('/console/api/ticket/reply', { id: selected.id, text }, $('reply-send'));
    if (data) {
      $('reply').value = '';
      updateCount();
      $('delivery').className = `result ${data.delivered ? 'ok' : 'warning'}`;
      $('delivery').textContent = s(`caseworker.delivery.${data.result}`);
    }
  });
  $('reply').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $('reply-form').requestSubmit();
    }
  });

  // ---------------------------------------------------------------- relay

  $('relay-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const question = $('relay-question').value.trim();
    if (!question) return;
    $('relay-submit').disabled = true;
    $('copy-status').textContent = '';
    try {
      const country = $('relay-country').value;
      const data = await api('POST', '/console/api/relay', { question, lang: $('relay-lang').value, staffLang: lang, ...(country ? { country } : {}) });
      $('relay-output').hidden = false;
      $('relay-result').value = data.text;
      $('relay-result').lang = data.lang;
      $('copy').hidden = !data.found;
      $('relay-result-label').textContent = data.found ? s('console.relay_result') : s('console.relay_nothing');
      $('relay-result').focus();
    } catch (err) {
      $('relay-output').hidden = false;
      $('relay-result').value = problem(err);
    } finally {
      $('relay-submit').disabled = false;
    }
  });

  $('copy').addEventListener('click', async () => {
    const text = $('relay-result').value;
    let done;
    try {
      await window.navigator.clipboard.writeText(text);
      done = true;
    } catch {
      // Without the clipboard API (plain http): select the text and copy it the old way.
      $('relay-result').select();
      done = document.execCommand('copy');
    }
    $('copy-status').textContent = done ? s('console.copied') : s('console.copy_failed');
  });

  // ---------------------------------------------------------------- administrators

  function table(columns, rows, caption) {
    return el('div', { className: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption }, [
      el('table', {}, [
        el('caption', { className: 'visually-hidden', text: caption }),
        el('thead', {}, [el('tr', {}, columns.map((c) => el('th', { scope: 'col', text: c })))]),
        el('tbody', {}, rows.map((r) => el('tr', {}, r.map((cell, i) => (i === 0 ? el('th', { scope: 'row', text: String(cell) }) : el('td', { text: String(cell) })))))),
      ]),
    ]);
  }

  const pct = (rate) => (rate === null || rate === undefined ? '–' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);

  function renderKnowledge(k) {
    const box = $('knowledge');
    const parts = [el('p', { text: s('console.knowledge_ok', { version: k.version, entries: k.entries, time: time(k.loadedAt) }) })];
    const rejection = k.lastRejection;
    if (rejection) {
      const rows = rejection.problems.map((p) => [p.file, p.field || '–', p.lang || '–', p.message]);
      const problems = table([s('console.col.file'), s('console.col.field'), s('console.col.lang'), s('console.col.problem')], rows, s('console.knowledge_problems'));
      if (k.stale) {
        parts.unshift(el('div', { className: 'alert', role: 'alert' }, [el('strong', { text: s('console.knowledge_rejected', { time: time(rejection.at) }) }), problems]));
      } else {
        parts.push(el('details', {}, [el('summary', { text: s('console.knowledge_rejected_before', { time: time(rejection.at) }) }), problems]));
      }
    }
    box.replaceChildren(...parts);
  }

  function renderStats(stats) {
    const columns = ['', s('console.col.questions'), s('console.col.answer'), s('console.col.clarify'), s('console.col.fallback'), s('console.col.emergency'), s('console.col.other'), '👍', '👎', s('console.col.up_rate')];
    const row = (r, label) => [label || r.value, r.questions, pct(r.rates.answer), pct(r.rates.clarify), pct(r.rates.fallback), pct(r.rates.emergency), r.intents, r.up, r.down, pct(r.upRate)];
    const label = (dimension, value) => {
      if (dimension === 'lang') return s(`language.${value}`) === `language.${value}` ? value : s(`language.${value}`);
      if (dimension === 'country') return value === 'none' ? s('console.none') : s(`country.${value}`);
      if (dimension === 'topic' && value === 'unknown') return s('console.none');
      return value;
    };
    const tables = [table([s('console.by.total'), ...columns.slice(1)], [row(stats.total, s('console.by.total'))], s('console.by.total'))];
    for (const dimension of ['topic', 'lang', 'country', 'channel', 'week']) {
      const rows = stats.by[dimension];
      if (!rows.length) continue;
      const title = s(`console.by.${dimension}`);
      tables.push(el('h3', { text: title }), table([title, ...columns.slice(1)], rows.map((r) => row(r, label(dimension, r.value))), title));
    }
    $('stats').replaceChildren(...(stats.total.questions + stats.total.intents > 0 ? tables : [el('p', { className: 'muted', text: s('console.stats_empty') })]));
  }

  function renderGaps(gaps) {
    if (!gaps.length) return $('gaps').replaceChildren(el('p', { className: 'muted', text: s('console.gaps_empty') }));
    const rows = gaps.map((g) => [g.count, g.lang, g.terms.join(' '), g.examples.join(' · '), g.entries.map((e) => e.title).join('; ') || '–', time(g.lastSeen)]);
    $('gaps').replaceChildren(
      table([s('console.col.count'), s('console.col.lang'), s('console.col.terms'), s('console.col.examples'), s('console.col.entries'), s('console.col.last_seen')], rows, s('console.gaps_title')),
    );
  }

  function renderAudit(records) {
    const rows = records.map((r) => [time(r.at), r.actor, r.action, r.target || '', r.detail || '']);
    $('audit').replaceChildren(table([s('console.col.time'), s('console.col.actor'), s('console.col.action'), s('console.col.target'), s('console.col.detail')], rows, s('console.audit_title')));
  }

  function renderAccounts(accounts) {
    const rows = accounts.map((a) => [a.username, s(`console.role.${a.role}`), a.telegramId || '–', time(a.createdAt)]);
    $('accounts').replaceChildren(table([s('console.col.username'), s('console.col.role'), 'Telegram', s('console.col.created')], rows, s('console.accounts_title')));
  }

  async function loadAdmin() {
    const load = async (path, render, target) => {
      try {
        render(await api('GET', path));
      } catch (err) {
        $(target).replaceChildren(el('p', { className: 'error', text: problem(err) }));
      }
    };
    await Promise.all([
      load('/console/api/admin/knowledge', (d) => renderKnowledge(d.knowledge), 'knowledge'),
      load('/console/api/admin/stats', (d) => renderStats(d.stats), 'stats'),
      load('/console/api/admin/gaps', (d) => renderGaps(d.gaps), 'gaps'),
      load('/console/api/admin/audit', (d) => renderAudit(d.audit), 'audit'),
      load('/console/api/admin/accounts', (d) => renderAccounts(d.accounts), 'accounts'),
    ]);
  }
  $('admin-refresh').addEventListener('click', () => void loadAdmin());

  // ---------------------------------------------------------------- start

  for (const b of document.querySelectorAll('#languages button')) b.addEventListener('click', () => applyLanguage(b.dataset.lang));

  fetch('/console/strings', { credentials: 'same-origin' })
    .then((r) => r.json())
    .then(async (config) => {
      strings = config.strings;
      countries = config.countries;
      const saved = localStorage.getItem(LANG_KEY);
      lang = strings[saved] ? saved : config.lang;
      applyLanguage(lang);
      try {
        showApp(await api('GET', '/console/api/me'));
      } catch {
        showLogin('');
      }
    })
    .catch(() => {
      $('login').hidden = false;
      $('login-error').textContent = 'Jardam: no connection / нет связи / байланыш жок';
    });
})();

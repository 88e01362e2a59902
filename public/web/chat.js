// Jardam web chat: gets a signed session token from the server, talks over a websocket, and
// shows replies with their source line, choice buttons and 👍/👎. Every visible word comes
// from the server (locales/), in the language the family chose.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const log = $('log');
  const input = $('input');
  const status = $('status');
  let strings = {};
  let lang = localStorage.getItem('jardam.lang') || 'ky';
  let token = localStorage.getItem('jardam.token');
  const firstVisit = !token;
  let socket;
  let retry = 0;

  const s = (key) => (strings[lang] && strings[lang][key]) || '';

  function applyLanguage(next) {
    lang = next;
    localStorage.setItem('jardam.lang', lang);
    document.documentElement.lang = lang;
    document.title = s('web.title') || 'Jardam';
    $('title').textContent = s('web.title') || 'Jardam';
    input.placeholder = s('web.placeholder');
    $('input-label').textContent = s('web.placeholder');
    $('send').setAttribute('aria-label', s('web.send'));
    $('languages').setAttribute('aria-label', s('web.languages'));
    for (const b of document.querySelectorAll('#languages button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }

  function add(who, build) {
    const item = document.createElement('li');
    item.className = `msg ${who}`;
    item.setAttribute('aria-label', who === 'me' ? s('web.you') : s('web.bot'));
    build(item);
    log.appendChild(item);
    item.scrollIntoView({ block: 'end', behavior: 'smooth' });
    return item;
  }

  function choices(item, list) {
    if (list.length === 0) return;
    const box = document.createElement('div');
    box.className = 'choices';
    for (const choice of list) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = choice.label;
      button.addEventListener('click', () => {
        add('me', (li) => (li.textContent = choice.label));
        send({ type: 'message', action: choice.action });
      });
      box.appendChild(button);
    }
    item.appendChild(box);
  }

  function showReply(message) {
    if (message.lang && message.lang !== lang) applyLanguage(message.lang);
    add(`bot ${message.kind || ''}`, (item) => {
      item.lang = message.lang || lang;
      let text = message.text || '';
      if (message.title && text.startsWith(message.title)) {
        const title = document.createElement('strong');
        title.className = 'title';
        title.textContent = message.title;
        item.appendChild(title);
        text = text.slice(message.title.length).replace(/^\n+/, '');
      }
      if (message.source && text.endsWith(message.source)) text = text.slice(0, -message.source.length).replace(/\n+$/, '');
      item.appendChild(document.createTextNode(text));
      if (message.source) {
        const source = document.createElement('small');
        source.className = 'source';
        source.textContent = message.source;
        item.appendChild(source);
      }
      choices(item, message.options || []);
      if (message.feedback) {
        const prompt = document.createElement('div');
        prompt.className = 'feedback';
        prompt.textContent = s('feedback.prompt');
        item.appendChild(prompt);
        choices(item, [
          { label: s('feedback.up'), action: 'feedback:up' },
          { label: s('feedback.down'), action: 'feedback:down' },
        ]);
      }
    });
  }

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      status.textContent = s('web.offline');
      return;
    }
    socket.send(JSON.stringify({ ...message, token }));
  }

  function connect(path) {
    status.textContent = s('web.connecting');
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
    socket.addEventListener('open', () => {
      // A first visit is asked its language; a returning family gets the greeting and the topics.
      if (retry === 0 || log.children.length === 0) send({ type: firstVisit ? 'hello' : 'welcome_back', lang });
      retry = 0;
      status.textContent = '';
    });
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'message') showReply(message);
    });
    socket.addEventListener('close', () => {
      status.textContent = s('web.offline');
      setTimeout(() => connect(path), Math.min(1000 * 2 ** retry++, 15000));
    });
  }

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    add('me', (li) => (li.textContent = text));
    send({ type: 'message', text });
    input.value = '';
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      $('composer').requestSubmit();
    }
  });
  for (const b of document.querySelectorAll('#languages button')) {
    b.addEventListener('click', () => {
      applyLanguage(b.dataset.lang);
      add('me', (li) => (li.textContent = b.textContent));
      send({ type: 'message', action: `lang:${b.dataset.lang}` });
    });
  }

  fetch(`/web/session${token ? `?token=${encodeURIComponent(token)}` : ''}`, { method: 'POST' })
    .then((r) => r.json())
    .then((session) => {
      token = session.token;
      localStorage.setItem('jardam.token', token);
      strings = session.strings;
      applyLanguage(lang);
      connect(session.socket);
    });
})();

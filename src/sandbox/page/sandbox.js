// The /sandbox page: writes as a contact, shows what the server sent, presses the phone's buttons.
// Every call goes to this server's /api/sandbox routes (the QR page's cookie carries the key); text
// from the server is only ever set as textContent.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);

  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error && json.error.message ? json.error.message : json.message || 'HTTP ' + res.status);
    return json;
  }

  function note(id, text, isError) {
    const el = $(id);
    el.textContent = text;
    el.className = isError ? 'note error' : 'note';
  }

  async function refreshState() {
    try {
      const state = await call('GET', '/api/sandbox');
      $('linked').textContent = state.linked ? 'linked' : state.qr_pending ? 'waiting for a scan (a QR is shown)' : 'not linked';
      $('chat-count').textContent = String(state.chats);
    } catch (e) {
      $('linked').textContent = 'unknown (' + e.message + ')';
    }
  }

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function ackButton(td, id, level, label) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = label;
    button.addEventListener('click', () =>
      call('POST', '/api/sandbox/ack', { id, ack: level }).then(
        () => note('sent-note', 'Marked ' + label.toLowerCase() + '.', false),
        (e) => note('sent-note', e.message, true),
      ),
    );
    td.appendChild(button);
  }

  async function refreshSent() {
    try {
      const { messages } = await call('GET', '/api/sandbox/sent?limit=50');
      const rows = $('sent-rows');
      rows.replaceChildren();
      for (const m of messages.slice().reverse()) {
        const row = document.createElement('tr');
        cell(row, new Date(m.timestamp * 1000).toLocaleTimeString());
        cell(row, m.to.split('@')[0]);
        cell(row, m.body);
        const actions = cell(row, '');
        ackButton(actions, m.id, 'device', 'Delivered');
        ackButton(actions, m.id, 'read', 'Read');
        rows.appendChild(row);
      }
      $('sent-empty').hidden = messages.length > 0;
    } catch (e) {
      note('sent-note', e.message, true);
    }
  }

  $('write').addEventListener('submit', async (event) => {
    event.preventDefault();
    const typed = $('new-number').value.trim();
    const from = typed || $('contact').value;
    const group = $('group').value;
    const body = $('body').value;
    try {
      const { id } = await call('POST', '/api/sandbox/incoming', group ? { from, body, group } : { from, body });
      note('write-note', 'The server received it (' + id + ').', false);
      $('body').value = '';
    } catch (e) {
      note('write-note', e.message, true);
    }
  });

  const actions = {
    scan: () => call('POST', '/api/sandbox/scan'),
    unlink: () => call('POST', '/api/sandbox/unlink'),
    drop: () => call('POST', '/api/sandbox/connection', { up: false }),
    restore: () => call('POST', '/api/sandbox/connection', { up: true }),
  };
  for (const button of document.querySelectorAll('[data-action]')) {
    button.addEventListener('click', async () => {
      try {
        await actions[button.dataset.action]();
        note('phone-note', button.textContent + ': done.', false);
      } catch (e) {
        note('phone-note', e.message, true);
      }
      refreshState();
    });
  }

  refreshState();
  refreshSent();
  setInterval(refreshState, 2000);
  setInterval(refreshSent, 2000);
})();

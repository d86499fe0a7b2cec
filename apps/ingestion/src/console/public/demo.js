import { MemoryCursorStore, SyncClient } from '/client/msync-client.js';
import { el, explain, signOut, signed, signedInApp, time, wireSignIn } from './api.js';

const $ = (id) => document.getElementById(id);
const TYPING = 'DEMO:Typing';
const USERS = {
  alice: { peer: 'bob', platforms: ['mobile', 'web', 'desktop', 'miniprogram'] },
  bob: { peer: 'alice', platforms: ['mobile', 'web'] },
};

let gatewayUrl = null;
let multiDeviceSync = null;
const tokens = {};
const panes = [];

function text(message) {
  if (message.recalledAt) return null;
  try {
    const body = JSON.parse(message.content);
    return typeof body.content === 'string' ? body.content : message.content;
  } catch {
    return message.content;
  }
}

/** One device: a real WebSocket through @msync/client, rendering what the user of that device sees. */
class Pane {
  constructor(userId, platform) {
    this.userId = userId;
    this.peer = USERS[userId].peer;
    this.platform = platform;
    this.deviceId = `demo-${userId}-${platform}`;
    this.store = new MemoryCursorStore();
    this.client = null;
    this.online = false;
    this.byUid = new Map();
    this.typingTimer = null;
    this.lastTypingSent = 0;

    this.status = el('span', { class: 'status' });
    this.channels = el('div', { class: 'channels', hidden: true });
    this.list = el('ol', { class: 'messages' });
    this.typing = el('p', { class: 'typing' });
    this.input = el('input', { placeholder: `message to ${this.peer}`, 'aria-label': `${userId} ${platform} message`, oninput: () => this.sendTyping() });
    this.toggle = el('button', { class: 'small', onclick: () => (this.online ? this.goOffline() : this.goOnline()) }, 'Go offline');
    this.node = el(
      'article',
      { class: 'pane', 'data-pane': `${userId}-${platform}` },
      el('header', {}, el('b', {}, platform), this.status),
      this.channels,
      this.list,
      this.typing,
      el('form', { class: 'compose', onsubmit: (e) => (e.preventDefault(), this.send()) }, this.input, el('button', { type: 'submit' }, 'Send')),
      el('div', { class: 'row' }, this.toggle, el('button', { class: 'small', onclick: () => this.reinstall() }, 'Reinstall')),
    );
  }

  setStatus(state) {
    this.node.dataset.state = state;
    const cursor = this.client?.cursor ?? this.store.saved.at(-1) ?? null;
    this.status.textContent = `${state}${cursor === null || cursor === undefined ? '' : ` · seq ${cursor}`}`;
  }

  async goOnline() {
    const client = new SyncClient({ url: gatewayUrl, token: tokens[this.userId], platform: this.platform, deviceId: this.deviceId, cursorStore: this.store });
    this.client = client;
    client.on('channels', (f) => this.showChannels(f));
    client.on('event', (f) => this.onEvent(f));
    client.on('own', () => this.setStatus('online'));
    client.on('transient', (m) => this.onTransient(m));
    client.on('synced', () => this.setStatus('online'));
    client.on('kicked', (reason) => this.setStatus(`kicked: ${reason}`));
    client.on('reconnecting', () => this.setStatus('reconnecting'));
    client.on('error', (err) => this.note(`error: ${err.message}`));
    this.online = true;
    this.toggle.textContent = 'Go offline';
    this.setStatus('connecting');
    try {
      await client.connect();
      this.setStatus('online');
    } catch (err) {
      this.online = false;
      this.toggle.textContent = 'Go online';
      this.setStatus(`refused: ${err.message}`);
    }
  }

  async goOffline() {
    const client = this.client;
    this.online = false;
    this.client = null;
    this.toggle.textContent = 'Go online';
    if (client) await client.close();
    this.setStatus('offline');
  }

  /** The app is reinstalled: local data and cursor gone; the server sends the compensation window. */
  async reinstall() {
    await this.goOffline();
    this.store = new MemoryCursorStore();
    this.byUid.clear();
    this.list.replaceChildren();
    this.channels.replaceChildren();
    this.channels.hidden = true;
    await this.goOnline();
  }

  async reconnect() {
    if (!this.online) return;
    await this.goOffline();
    await this.goOnline();
  }

  showChannels(frame) {
    this.channels.hidden = false;
    this.channels.replaceChildren(
      ...(frame.channels.length === 0
        ? [el('p', { class: 'empty' }, `New device: compensation window since ${time(frame.since)} is empty.`)]
        : [
            el('h3', {}, `Channel list (compensation window since ${time(frame.since)})`),
            el('ul', {}, ...frame.channels.map((c) => el('li', { class: 'channel' }, el('b', {}, c.targetId), ` · ${c.unreadCount} unread · last: `, el('span', {}, text(c.lastMessage) ?? 'recalled')))),
          ]),
    );
  }

  onEvent(frame) {
    this.setStatus('online');
    const body = frame.body;
    if (body.type === 'message') this.showMessage(body.message, frame.seq);
    else if (body.type === 'recall') this.showRecalled(body.messageUid);
  }

  showMessage(message, seq, pending) {
    if (this.byUid.has(message.messageUid)) return;
    const mine = message.senderId === this.userId;
    const from = mine ? (message.senderDeviceId === this.deviceId ? 'me' : `me, on ${message.senderDeviceId?.replace(`demo-${this.userId}-`, '') ?? 'another device'}`) : message.senderId;
    const item = el('li', { class: `msg${mine ? ' mine' : ''}`, 'data-uid': message.messageUid ?? '' }, el('span', { class: 'from' }, from), el('span', { class: 'text' }, text(message) ?? ''), el('small', { class: 'seq' }, pending ? 'sending…' : `seq ${seq}`));
    if (mine) item.append(el('button', { class: 'link recall', onclick: () => this.recall(item) }, 'recall'));
    this.list.append(item);
    this.list.scrollTop = this.list.scrollHeight;
    if (message.messageUid) this.byUid.set(message.messageUid, item);
    if (message.recalledAt) this.markRecalled(item);
    return item;
  }

  showRecalled(messageUid) {
    const item = this.byUid.get(messageUid);
    if (item) this.markRecalled(item);
  }

  markRecalled(item) {
    item.classList.add('recalled');
    item.querySelector('.text').textContent = 'message recalled';
    item.querySelector('.recall')?.remove();
  }

  async send() {
    const value = this.input.value.trim();
    if (!value || !this.client) return;
    this.input.value = '';
    const item = this.showMessage({ senderId: this.userId, senderDeviceId: this.deviceId, content: JSON.stringify({ content: value }) }, 0, true);
    try {
      const sent = await this.client.send({ conversationType: 'private', targetId: this.peer, objectName: 'RC:TxtMsg', content: { content: value } });
      item.dataset.uid = sent.messageUid;
      this.byUid.set(sent.messageUid, item);
      item.querySelector('.seq').textContent = `sent ${time(sent.sentAt)}`;
    } catch (err) {
      item.classList.add('failed');
      item.querySelector('.seq').textContent = `not sent: ${err.message}`;
    }
  }

  async recall(item) {
    try {
      if (this.client && item.dataset.uid) await this.client.recall(item.dataset.uid);
    } catch (err) {
      this.note(`recall refused: ${err.message}`);
    }
  }

  /** Typing indicator: a transient message (DEMO:Typing is in the app's transientMessageTypes). */
  sendTyping() {
    if (!this.client || Date.now() - this.lastTypingSent < 1_500) return;
    this.lastTypingSent = Date.now();
    this.client.send({ conversationType: 'private', targetId: this.peer, objectName: TYPING, content: { typing: true } }).catch(() => {});
  }

  onTransient(message) {
    if (message.objectName !== TYPING) return;
    this.typing.textContent = `${message.senderId} is typing…`;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => (this.typing.textContent = ''), 3_000);
  }

  note(line) {
    this.typing.textContent = line;
  }
}

function showMode(version) {
  $('mode').className = multiDeviceSync ? 'on' : 'off';
  $('mode').textContent = multiDeviceSync
    ? `Multi-device sync: ON (settings v${version}). A message reaches every device of both users; a new or reinstalled device gets the compensation window.`
    : `Multi-device sync: OFF (settings v${version}). Single-device mode: each message goes to one device of the user, the others only skip ahead; a sender's other devices get nothing.`;
}

/** The app's settings, polled: a change of multi-device sync reconnects the panes (a session keeps the mode it started with). */
async function watchSettings() {
  try {
    const { version, settings } = await signed('GET', '/v1/settings');
    if (settings.multiDeviceSync !== multiDeviceSync) {
      const first = multiDeviceSync === null;
      multiDeviceSync = settings.multiDeviceSync;
      showMode(version);
      if (!first) await Promise.all(panes.map((p) => p.reconnect()));
      document.body.dataset.sync = multiDeviceSync ? 'on' : 'off'; // every pane now runs in this mode
    }
  } catch (err) {
    $('notice').textContent = explain(err);
  }
}

async function start(settingsAnswer) {
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  $('who').hidden = false;
  $('who-app').textContent = `app ${signedInApp().appKey}`;
  try {
    ({ gatewayUrl } = await (await fetch('/console/config', { cache: 'no-store' })).json());
    let { settings, version } = settingsAnswer;
    if (!settings.transientMessageTypes.includes(TYPING)) {
      ({ settings, version } = await signed('PATCH', '/v1/settings', { transientMessageTypes: [...settings.transientMessageTypes, TYPING] }));
      $('notice').textContent = `Added ${TYPING} (the typing indicator) to the app's transient message types (settings v${version}).`;
    }
    multiDeviceSync = settings.multiDeviceSync;
    showMode(version);
    for (const userId of Object.keys(USERS)) {
      tokens[userId] = (await signed('POST', `/v1/users/${userId}/tokens`, { ttlSeconds: 3_600 })).token;
    }
  } catch (err) {
    $('notice').textContent = explain(err);
    return;
  }
  for (const [userId, { platforms }] of Object.entries(USERS)) {
    const column = document.querySelector(`#user-${userId} .panes`);
    for (const platform of platforms) {
      const pane = new Pane(userId, platform);
      panes.push(pane);
      column.append(pane.node);
    }
  }
  await Promise.all(panes.map((p) => p.goOnline()));
  document.body.dataset.sync = multiDeviceSync ? 'on' : 'off';
  document.body.dataset.ready = 'true';
  setInterval(watchSettings, 2_000);
}

wireSignIn($('signin'), start);
$('sign-out').addEventListener('click', () => {
  signOut();
  location.reload();
});
if (signedInApp()) {
  signed('GET', '/v1/settings').then(start, (err) => {
    signOut();
    document.querySelector('#signin .error').textContent = explain(err);
  });
}

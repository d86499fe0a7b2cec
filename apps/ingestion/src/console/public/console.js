import { ApiError, createApp, el, explain, signIn, signOut, signed, signedInApp, time, wireSignIn } from './api.js';

const $ = (id) => document.getElementById(id);

/** Every field of the app settings (libs/contracts app-settings), with its range. */
const FIELDS = [
  { name: 'multiDeviceSync', label: 'Multi-device sync', type: 'bool', hint: 'off: each message goes to one device of the user (single-device mode)' },
  { name: 'devicesPerPlatform', label: 'Devices per platform', type: 'int', min: 1, max: 10 },
  { name: 'webConnectionLimit', label: 'Web connection limit', type: 'int', min: 1, max: 50, hint: 'browser tabs per user (multi-device sync on)' },
  { name: 'compensationDays', label: 'Compensation window (days)', type: 'int', min: 1, max: 7, hint: 'history a new or reinstalled device gets' },
  { name: 'retentionDays', label: 'Retention (days)', type: 'int', min: 1, max: 30 },
  { name: 'transientMessageTypes', label: 'Transient message types', type: 'list', hint: 'comma-separated object names, never stored (RC:TypSts always is)' },
  { name: 'maxContentBytes', label: 'Content limit (bytes)', type: 'int', min: 1, max: 131072 },
  { name: 'serverApiRatePerSecond', label: 'Server API rate limit (/s)', type: 'int', min: 1, max: 100000 },
  { name: 'strictSignature', label: 'Strict signatures', type: 'bool', hint: 'timestamp window and nonce replay check' },
];

let current = null; // { version, settings }

function renderSettings({ version, settings }) {
  current = { version, settings };
  $('settings-version').textContent = `version ${version}`;
  const form = $('settings');
  form.replaceChildren(
    ...FIELDS.map((f) => {
      const value = settings[f.name];
      const input =
        f.type === 'bool'
          ? el('input', { type: 'checkbox', name: f.name, checked: value })
          : f.type === 'list'
            ? el('input', { name: f.name, value: value.join(', '), spellcheck: 'false' })
            : el('input', { type: 'number', name: f.name, min: f.min, max: f.max, step: 1, value, required: true });
      return el('label', { class: f.type === 'bool' ? 'check' : '' }, f.type === 'bool' ? [input, ` ${f.label}`] : [f.label, input], f.hint ? el('small', {}, f.hint) : null);
    }),
    el('button', { type: 'submit' }, 'Save changes'),
  );
}

function readPatch() {
  const form = $('settings');
  const patch = {};
  for (const f of FIELDS) {
    const input = form.elements[f.name];
    const value =
      f.type === 'bool' ? input.checked : f.type === 'list' ? input.value.split(',').map((s) => s.trim()).filter(Boolean) : Number(input.value);
    if (JSON.stringify(value) !== JSON.stringify(current.settings[f.name])) patch[f.name] = value;
  }
  return patch;
}

async function waitApplied(version, startedAt) {
  const table = $('applied');
  const body = table.querySelector('tbody');
  table.hidden = false;
  for (;;) {
    const { services } = await signed('GET', '/v1/console/settings-applied');
    body.replaceChildren(
      ...services.map((s) =>
        el('tr', { class: s.version >= version ? 'ok' : 'pending' }, el('td', {}, s.service), el('td', {}, s.version === null ? s.error ?? '—' : `v${s.version}${s.version >= version ? ' ✓' : ' …'}`)),
      ),
    );
    const done = services.every((s) => s.version !== null && s.version >= version);
    const elapsed = Date.now() - startedAt;
    if (done) return `Saved as version ${version}; applied by all ${services.length} services in ${elapsed} ms.`;
    if (elapsed > 10_000) {
      const behind = services.filter((s) => !(s.version >= version)).map((s) => s.service);
      return `Saved as version ${version}; not yet applied by ${behind.join(', ')} after 10 s.`;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

$('settings').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('settings-status');
  status.className = '';
  const patch = readPatch();
  if (Object.keys(patch).length === 0) {
    status.textContent = 'Nothing changed.';
    return;
  }
  const startedAt = Date.now();
  try {
    status.textContent = `Saving ${Object.keys(patch).join(', ')}…`;
    const saved = await signed('PATCH', '/v1/settings', patch);
    renderSettings(saved);
    status.textContent = `Saved as version ${saved.version}; waiting for the services…`;
    status.textContent = await waitApplied(saved.version, startedAt);
  } catch (err) {
    status.className = 'error';
    status.textContent = explain(err);
  }
});

// Live traffic.
const samples = [];
let statsTimer = null;
async function refreshStats() {
  try {
    const s = await signed('GET', '/v1/console/stats');
    $('stat-rate').textContent = s.messagesPerSecond.toFixed(1);
    $('stat-minute').textContent = s.messagesLastMinute;
    $('stat-devices').textContent = s.connectedDevices;
    $('stat-platforms').textContent = Object.entries(s.byPlatform).map(([p, n]) => `${p} ${n}`).join(' · ') || 'no device connected';
    samples.push(s.messagesPerSecond);
    if (samples.length > 30) samples.shift();
    const max = Math.max(1, ...samples);
    $('spark').replaceChildren(...samples.map((v) => {
      const bar = el('i', { title: `${v}/s` });
      bar.style.height = `${Math.max(2, (v / max) * 100)}%`;
      return bar;
    }));
  } catch (err) {
    $('stat-platforms').textContent = explain(err);
  }
}

// Users.
let userId = null;
async function showUser() {
  const status = $('user-status');
  const [presence, devices] = await Promise.all([signed('GET', `/v1/users/${encodeURIComponent(userId)}/presence`), signed('GET', `/v1/users/${encodeURIComponent(userId)}/devices`)]);
  $('user').hidden = false;
  $('user-presence').textContent = `${userId}: ${presence.online ? `online on ${presence.sessions.length} device${presence.sessions.length === 1 ? '' : 's'}` : 'offline'} · ${devices.devices.length} known device${devices.devices.length === 1 ? '' : 's'}`;
  $('devices').querySelector('tbody').replaceChildren(
    ...devices.devices.map((d) =>
      el('tr', {},
        el('td', {}, d.platform), el('td', {}, el('code', {}, d.deviceId)), el('td', { class: d.online ? 'online' : 'offline' }, d.online ? 'online' : 'offline'),
        el('td', {}, time(d.connectedSince)), el('td', {}, d.cursor ?? '—'),
        el('td', {}, d.online ? el('button', { class: 'small', onclick: () => act(`/logout`, { deviceId: d.deviceId }, `Logged out ${d.deviceId}.`) }, 'Log out') : ''),
      ),
    ),
  );
  status.className = '';
}
async function act(path, body, message) {
  const status = $('user-status');
  try {
    const res = await signed('POST', `/v1/users/${encodeURIComponent(userId)}${path}`, body);
    status.className = '';
    status.textContent = typeof message === 'function' ? message(res) : message;
    setTimeout(() => showUser().catch(() => {}), 400);
  } catch (err) {
    status.className = 'error';
    status.textContent = explain(err);
  }
}
$('user-lookup').addEventListener('submit', async (event) => {
  event.preventDefault();
  userId = event.target.elements.userId.value.trim();
  $('user-error').textContent = '';
  $('user-status').textContent = '';
  try {
    await showUser();
  } catch (err) {
    $('user').hidden = true;
    $('user-error').textContent = explain(err);
  }
});
$('logout-all').addEventListener('click', () => act('/logout', {}, (r) => `Logged out ${r.loggedOut.length} device(s).`));
$('block').addEventListener('click', () => act('/block', { minutes: 60 }, (r) => `Blocked until ${time(r.blockedUntil)}: tokens revoked, sessions kicked.`));
$('unblock').addEventListener('click', () => act('/unblock', undefined, 'Unblocked (issue new tokens to log in again).'));

// Sign-in / out.
async function enter(settings) {
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  $('who').hidden = false;
  $('who-app').textContent = `app ${signedInApp().appKey}`;
  renderSettings(settings);
  await refreshStats();
  statsTimer ??= setInterval(refreshStats, 2_000);
}
wireSignIn($('signin'), enter);
$('sign-out').addEventListener('click', () => {
  signOut();
  location.reload();
});

let created = null;
$('create-app').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  form.querySelector('.error').textContent = '';
  try {
    created = await createApp(form.elements.adminToken.value, form.elements.name.value.trim(), form.elements.appKey.value.trim());
    form.elements.adminToken.value = '';
    $('created-key').textContent = created.appKey;
    $('created-secret').textContent = created.secret;
    $('created').hidden = false;
  } catch (err) {
    form.querySelector('.error').textContent = explain(err);
  }
});
$('use-created').addEventListener('click', async () => {
  try {
    await enter(await signIn(created.appKey, created.secret));
  } catch (err) {
    document.querySelector('#create-app .error').textContent = explain(err);
  }
});

if (signedInApp()) {
  signed('GET', '/v1/settings').then(enter, (err) => {
    if (err instanceof ApiError && err.status === 401) signOut();
    document.querySelector('#signin .error').textContent = explain(err);
  });
}

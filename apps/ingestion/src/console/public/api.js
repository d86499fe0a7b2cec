// Signed management API calls from the browser. The app secret stays in this tab's sessionStorage;
// it is sent only as a signature: Signature = hex SHA1(secret + nonce + timestamp).
const STORE = 'msync-console-app';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function signedInApp() {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE) ?? 'null');
    return value && typeof value.appKey === 'string' && typeof value.secret === 'string' ? value : null;
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(STORE);
}

function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function signatureHeaders({ appKey, secret }) {
  if (!globalThis.crypto?.subtle) {
    throw new ApiError(0, 'insecure_context', 'This page needs a secure context (https, or http on localhost / 127.0.0.1) to sign requests.');
  }
  const nonce = hex(crypto.getRandomValues(new Uint8Array(12)));
  const timestamp = String(Date.now());
  const signature = hex(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(secret + nonce + timestamp)));
  return { 'App-Key': appKey, Nonce: nonce, Timestamp: timestamp, Signature: signature };
}

async function call(method, path, body, headers) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    throw new ApiError(0, 'unreachable', `The server did not answer (${err.message}).`);
  }
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json.code ?? `http_${res.status}`, json.message ?? `HTTP ${res.status}`);
  return json;
}

/** A management API call signed with the signed-in app's secret. */
export async function signed(method, path, body, app = signedInApp()) {
  if (!app) throw new ApiError(401, 'not_signed_in', 'Sign in with the app key and secret first.');
  return call(method, path, body, await signatureHeaders(app));
}

/** Checks the key and secret with a signed read before keeping them (this tab only). */
export async function signIn(appKey, secret) {
  const app = { appKey: appKey.trim(), secret: secret.trim() };
  if (!app.appKey || !app.secret) throw new ApiError(400, 'missing', 'Enter the app key and the app secret.');
  const settings = await signed('GET', '/v1/settings', undefined, app);
  sessionStorage.setItem(STORE, JSON.stringify(app));
  return settings;
}

/** Operator API: creates an app with the operator token (not kept anywhere). */
export function createApp(adminToken, name, appKey) {
  return call('POST', '/admin/v1/apps', { name, ...(appKey ? { appKey } : {}) }, { authorization: `Bearer ${adminToken}` });
}

/** A sentence for a person, not a code. */
export function explain(err) {
  if (!(err instanceof ApiError)) return String(err?.message ?? err);
  switch (err.code) {
    case 'signature_invalid':
      return 'Refused: unknown app key or wrong secret (the signature did not match).';
    case 'not_authenticated':
      return 'Refused: the operator token is wrong.';
    case 'app_disabled':
      return 'Refused: this app is disabled.';
    default:
      return `${err.message} (${err.code})`;
  }
}

/** Wires a sign-in form: #signin-key, #signin-secret, #signin-error; calls onSignedIn(settings). */
export function wireSignIn(form, onSignedIn) {
  const error = form.querySelector('.error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const settings = await signIn(form.elements.appKey.value, form.elements.secret.value);
      form.elements.secret.value = '';
      await onSignedIn(settings);
    } catch (err) {
      error.textContent = explain(err);
    } finally {
      button.disabled = false;
    }
  });
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

export function time(ms) {
  return ms ? new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '—';
}

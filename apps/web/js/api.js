// The server's JSON API, the packed float32 format (GBX1) and the event stream.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function check(res) {
  if (res.ok) return res;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body && body.error) message = body.error;
  } catch (_) { /* not JSON */ }
  throw new ApiError(res.status, message);
}

export async function getJSON(url) {
  return (await check(await fetch(url))).json();
}

export async function postJSON(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return (await check(res)).json();
}

// Packed arrays: "GBX1" | u32 header length | header JSON | pad to 4 | float32 data.
// Descriptors {offset, length, shape} in the header become Float32Array views.
export function unpack(buffer) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== 'GBX1') throw new Error('unexpected response format');
  const n = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, n)));
  const start = Math.ceil((8 + n) / 4) * 4;
  const resolve = (node) => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node && typeof node === 'object') {
      if ('offset' in node && 'length' in node && 'shape' in node && Object.keys(node).length === 3) {
        const arr = new Float32Array(buffer, start + node.offset, node.length);
        arr.shape = node.shape;
        return arr;
      }
      for (const k of Object.keys(node)) node[k] = resolve(node[k]);
    }
    return node;
  };
  return resolve(header);
}

export async function postPacked(url, body) {
  const res = await check(await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }));
  return unpack(await res.arrayBuffer());
}

export async function getPacked(url) {
  const res = await check(await fetch(url));
  return unpack(await res.arrayBuffer());
}

// One EventSource for the whole page; views subscribe to event names.
const listeners = new Map();
let source = null;
export const eventCounts = {};
window.glassboxEventCounts = eventCounts;

export function onEvent(name, fn) {
  if (!source) {
    source = new EventSource('/api/events');
    for (const ev of ['hello', 'job', 'batch', 'epoch', 'stage', 'dropped'])
      source.addEventListener(ev, (e) => {
        const data = JSON.parse(e.data);
        // Counted per kind so that tests (and curious users) can see the stream is live.
        eventCounts[ev] = (eventCounts[ev] || 0) + 1;
        for (const f of listeners.get(ev) || []) f(data);
      });
    source.onopen = () => document.body.classList.remove('offline');
    source.onerror = () => document.body.classList.add('offline');
  }
  if (!listeners.has(name)) listeners.set(name, new Set());
  listeners.get(name).add(fn);
  return () => listeners.get(name).delete(fn);
}

let registryPromise = null;
export function registry() {
  if (!registryPromise) registryPromise = getJSON('/api/registry');
  return registryPromise;
}

let datasetsPromise = null;
export function datasets() {
  if (!datasetsPromise) datasetsPromise = getJSON('/api/datasets').then((d) => d.datasets);
  return datasetsPromise;
}

// The experiments of examples/, offered as presets; optional (an empty list on error).
let examplesPromise = null;
export function examples() {
  if (!examplesPromise) examplesPromise = getJSON('/api/examples').then((d) => d.examples || []).catch(() => []);
  return examplesPromise;
}

export async function deleteJSON(url) {
  return (await check(await fetch(url, { method: 'DELETE' }))).json();
}

// Tiny DOM helpers: h('div.card', {onclick}, children...) builds elements.
export function h(tag, attrs = {}, ...children) {
  // 'tag#id.class1.class2' (the id may also come after the classes)
  let name = 'div', id = '';
  const classes = [];
  for (const [, sigil, word] of tag.matchAll(/([.#]?)([^.#]+)/g)) {
    if (sigil === '.') classes.push(word); else if (sigil === '#') id = word; else name = word;
  }
  const el = document.createElement(name);
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = {};
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function fmt(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(digits);
}

export function pct(v) {
  return v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '–';
  if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + ' s';
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  return `${m} min ${s} s`;
}

export function errorBox(err) {
  return h('div.error', String(err && err.message ? err.message : err));
}

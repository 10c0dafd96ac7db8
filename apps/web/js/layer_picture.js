// One layer's values as a picture: conv channels as a grid of map tiles (each a button
// named after its layer and channel, arrow keys between them), anything else as bars on
// one canvas (a slider over the units when clicking a unit means something).
import { h } from './dom.js';
import { mapCanvas } from './draw.js';
import { arrowKeys } from './focus.js';

function drawBars(c, values, cmap, current) {
  const n = values.length, height = c.height, ctx = c.getContext('2d');
  let lo = 0, hi = 0;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi - lo || 1, zero = height * hi / span, bw = c.width / n;
  ctx.fillStyle = '#f8fafc'; ctx.fillRect(0, 0, c.width, height);
  for (let k = 0; k < n; ++k) {
    const v = values[k];
    ctx.fillStyle = k === current ? '#f59e0b' : cmap ? (v >= 0 ? '#dc2626' : '#2563eb') : v > 0 ? '#2563eb' : '#94a3b8';
    const y = v >= 0 ? zero - v / span * height : zero;
    ctx.fillRect(k * bw, y, Math.max(1, bw - (bw > 3 ? 1 : 0)), Math.max(1, Math.abs(v) / span * height));
  }
  ctx.fillStyle = '#64748b'; ctx.fillRect(0, zero, c.width, 1);
}

// Bars for a vector of values; negative values go down. With `onunit`, a click picks the
// unit under the pointer and the keyboard moves a cursor over the units (arrows, Home,
// End, Page Up/Down by ten) and Enter picks it.
export function barsCanvas(values, { width = 640, height = 80, onunit, cmap = null, label = 'units', selected = -1 } = {}) {
  const n = values.length;
  const c = h('canvas.bars');
  c.width = Math.max(n, Math.min(width, n * 8));
  c.height = height;
  c.style.width = Math.min(width, Math.max(n * 3, 200)) + 'px';
  c.style.height = height + 'px';
  let current = selected >= 0 && selected < n ? selected : -1;
  drawBars(c, values, cmap, current);
  if (!onunit) {
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', `${label}: ${n} values`);
    return c;
  }
  const describe = () => {
    c.setAttribute('aria-valuenow', String(Math.max(0, current)));
    c.setAttribute('aria-valuetext', current < 0 ? `${n} units; arrow keys choose one, Enter shows it`
      : `unit ${current}, value ${values[current].toPrecision(3)}; Enter shows what makes it fire`);
  };
  Object.assign(c, { tabIndex: 0 });
  c.setAttribute('role', 'slider');
  c.setAttribute('aria-label', label);
  c.setAttribute('aria-valuemin', '0');
  c.setAttribute('aria-valuemax', String(n - 1));
  describe();
  const moveTo = (k) => { current = Math.max(0, Math.min(n - 1, k)); drawBars(c, values, cmap, current); describe(); };
  c.addEventListener('click', (e) => {
    const r = c.getBoundingClientRect();
    moveTo(Math.floor((e.clientX - r.left) / r.width * n));
    onunit(current);
  });
  c.addEventListener('keydown', (e) => {
    const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[e.key];
    if (step !== undefined) moveTo((current < 0 ? (step > 0 ? -1 : n) : current) + step);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(n - 1);
    else if (e.key === 'Enter' || e.key === ' ') onunit(Math.max(0, current));
    else return;
    e.preventDefault();
  });
  return c;
}

// The colour range of a layer's channel maps: [min(0, lowest), highest] (1 when all are 0).
export function mapRange(values) {
  let lo = 0, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi > lo ? hi : lo + 1];
}

// A layer's output as channel maps (C, H, W) or bars (anything else). `name` is the
// layer's name: tiles are called "conv2d_1 channel 3". `range` fixes the maps' colour
// range (else mapRange of this layer); `selected` is the unit shown as chosen.
export function layerPicture(values, shape, { onunit, diverging = false, size = 56, name = 'layer', range = null, selected = -1 } = {}) {
  if (shape.length === 3 && shape[1] * shape[2] > 1) {
    const [C, H, W] = shape;
    let lo = Infinity, hi = -Infinity;
    for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const viridis = range || mapRange(values);
    const tiles = [...Array(C).keys()].map((ch) => {
      const c = mapCanvas(values, H, W, diverging ? { cmap: 'diverging', range: [lo, hi], offset: ch * H * W } :
        { cmap: 'viridis', range: viridis, offset: ch * H * W }, size);
      c.setAttribute('aria-hidden', 'true');
      if (!onunit) return h('span.tile', { role: 'img', 'aria-label': `${name} channel ${ch}`, title: `channel ${ch}` }, c);
      return h('button.tile', { type: 'button', 'aria-label': `${name} channel ${ch}`, title: `channel ${ch}`,
        'aria-pressed': String(ch === selected), 'data-focus': `${name}-channel-${ch}`, 'data-unit': ch, onclick: (e) => {
          for (const b of e.currentTarget.parentNode.children) b.setAttribute('aria-pressed', String(b === e.currentTarget));
          onunit(ch);
        } }, c);
    });
    return arrowKeys(h('div.maps', { role: 'group', 'aria-label': `${name}: ${C} channels` }, tiles), 'button.tile');
  }
  return barsCanvas(values, { onunit, cmap: diverging, label: `${name}: ${values.length} units`, selected });
}

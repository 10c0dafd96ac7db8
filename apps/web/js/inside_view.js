// Inside the network: one input's prediction and every layer's activations — conv
// channel maps and neuron bars on canvases. Clicking a neuron (or channel) shows its
// firing rate per class and the test images that excite it most.
import { getPacked, postJSON, postPacked } from './api.js';
import { clear, errorBox, fmt, h, pct } from './dom.js';
import { drawMap, mapCanvas } from './draw.js';
import { samplePicker } from './sample_picker.js';

export function predictionBars(r) {
  return h('div.prediction',
    h('div', 'prediction: ', h('strong#prediction', r.class_names[r.prediction] ?? r.prediction),
      r.source.label_name !== undefined ? h('span.muted', ` (true class ${r.source.label_name})`) : null),
    r.probabilities.map((p, k) => h('div.prob' + (k === r.prediction ? '.top' : ''),
      h('span.prob-label', r.class_names[k]), h('span.prob-bar', h('span', { style: { width: (100 * p).toFixed(1) + '%' } })),
      h('span.prob-value', pct(p)))));
}

// Bars for a vector of activations; negative values go down. Returns the canvas.
export function barsCanvas(values, { width = 640, height = 80, onclick, cmap = null } = {}) {
  const n = values.length;
  const c = h('canvas.bars');
  c.width = Math.max(n, Math.min(width, n * 8));
  c.height = height;
  c.style.width = Math.min(width, Math.max(n * 3, 200)) + 'px';
  c.style.height = height + 'px';
  const ctx = c.getContext('2d');
  let lo = 0, hi = 0;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi - lo || 1, zero = height * hi / span, bw = c.width / n;
  ctx.fillStyle = '#f8fafc'; ctx.fillRect(0, 0, c.width, height);
  for (let k = 0; k < n; ++k) {
    const v = values[k];
    ctx.fillStyle = cmap ? (v >= 0 ? '#dc2626' : '#2563eb') : v > 0 ? '#2563eb' : '#94a3b8';
    const y = v >= 0 ? zero - v / span * height : zero;
    ctx.fillRect(k * bw, y, Math.max(1, bw - (bw > 3 ? 1 : 0)), Math.max(1, Math.abs(v) / span * height));
  }
  ctx.fillStyle = '#64748b'; ctx.fillRect(0, zero, c.width, 1);
  if (onclick) c.addEventListener('click', (e) => {
    const r = c.getBoundingClientRect();
    onclick(Math.min(n - 1, Math.floor((e.clientX - r.left) / r.width * n)));
  });
  return c;
}

// A layer's output as channel maps (C, H, W) or bars (anything else).
export function layerPicture(values, shape, { onunit, diverging = false, size = 56 } = {}) {
  if (shape.length === 3 && shape[1] * shape[2] > 1) {
    const [C, H, W] = shape;
    let lo = Infinity, hi = -Infinity;
    for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return h('div.maps', [...Array(C).keys()].map((ch) => {
      const c = mapCanvas(values, H, W, diverging ? { cmap: 'diverging', range: [lo, hi], offset: ch * H * W } :
        { cmap: 'viridis', range: [Math.min(0, lo), hi || 1], offset: ch * H * W }, size);
      c.title = `channel ${ch}`;
      if (onunit) c.addEventListener('click', () => onunit(ch));
      return c;
    }));
  }
  return barsCanvas(values, { onclick: onunit, cmap: diverging });
}

export async function insideView(root, runId) {
  const result = h('div.inside-result', h('div.muted', 'Pick an image on the left or draw one.'));
  const neuronPanel = h('div.neuron-panel');
  let last = null;

  async function showNeuron(layer, unit) {
    clear(neuronPanel, h('div.muted', `layer ${layer}, unit ${unit}: computing over the test set…`));
    try {
      const n = await postJSON(`/api/runs/${encodeURIComponent(runId)}/neuron`, { layer, unit, limit: 2000, top: 8 });
      const parts = [h('h3', `${n.layer_name} · unit ${unit}`, h('span.muted', ` (${n.unit_kind}, fires when > ${n.threshold})`))];
      for (const [split, s] of Object.entries(n.splits)) {
        parts.push(h('h4', split === 'test' ? 'classes seen in training (test images)' : 'unseen classes'),
          h('table.rates', h('tr', h('th', 'class'), h('th', 'firing rate'), h('th', 'mean'), h('th', 'images')),
            s.classes.map((c) => h('tr', h('td', c.name), h('td', h('span.rate-bar', h('span', { style: { width: (100 * c.firing_rate).toFixed(1) + '%' } })), ' ', pct(c.firing_rate)),
              h('td.num', fmt(c.mean, 3)), h('td.num', c.count)))));
        const tops = h('div.tops');
        parts.push(h('div.muted', 'top-activating images:'), tops);
        getPacked(`/api/runs/${encodeURIComponent(runId)}/samples?split=${split}&indices=${s.top.map((t) => t.index).join(',')}`).then((img) => {
          const shape = img.images.shape, w = shape[shape.length - 1], hh = shape.length > 2 ? shape[shape.length - 2] : 1;
          const per = img.images.length / Math.max(1, img.indices.length);
          clear(tops, s.top.map((t, k) => h('figure', mapCanvas(img.images, hh, w, { cmap: 'gray', range: [0, 1], offset: k * per }, 48),
            h('figcaption', `${img.class_names[t.label] ?? t.label} · ${fmt(t.value, 3)}`))));
        }).catch((e) => clear(tops, errorBox(e)));
      }
      clear(neuronPanel, parts);
    } catch (e) {
      clear(neuronPanel, errorBox(e));
    }
  }

  async function inspect(input) {
    try {
      const r = await postPacked(`/api/runs/${encodeURIComponent(runId)}/inspect`, input);
      last = r;
      const inShape = r.input.shape, W = inShape[inShape.length - 1], H = inShape.length > 1 ? inShape[inShape.length - 2] : 1;
      clear(result,
        h('div.row', mapCanvas(r.input, H, W, { cmap: 'gray', range: [0, 1] }, 112), predictionBars(r)),
        h('div.muted', `forward pass ${fmt(r.timing.forward_ms, 3)} ms on the server · click a unit to see what makes it fire`),
        r.layers.map((l) => h('div.layer-view',
          h('div.layer-title', h('strong', `${l.index} · ${l.name}`), ` ${l.type}`,
            l.activation !== 'linear' ? ` (${l.activation})` : '', h('span.muted', ` shape ${l.values.shape.join('×')} · range ${fmt(l.min, 3)} … ${fmt(l.max, 3)}`)),
          layerPicture(l.values, l.values.shape, { onunit: (u) => showNeuron(l.index, u) }))));
    } catch (e) {
      clear(result, errorBox(e));
    }
  }

  const picker = samplePicker(runId, inspect);
  clear(root, h('h1', 'Inside the network ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + encodeURIComponent(runId) }, '← run'), ' · ',
      h('a', { href: '#/relevance/' + encodeURIComponent(runId) }, 'relevance'), ' · ',
      h('a', { href: '#/signatures/' + encodeURIComponent(runId) }, 'signatures')),
    h('div.inside', picker.el, h('div.inside-main', result, neuronPanel)));
  const s = await picker.load();
  if (s && s.indices.length) picker.pick({ split: s.split, index: s.indices[0] });
}

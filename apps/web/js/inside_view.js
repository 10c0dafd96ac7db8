// Inside the network: one input's prediction and every layer's activations — conv
// channel maps and neuron bars on canvases. Clicking a neuron (or channel) shows its
// firing rate per class and the test images that excite it most. Layers are named by
// their names (conv2d_1, dense_2), as in every other view.
import { getPacked, postJSON, postPacked } from './api.js';
import { clear, errorBox, fmt, h, pct } from './dom.js';
import { mapCanvas } from './draw.js';
import { layerPicture } from './layer_picture.js';
import { samplePicker } from './sample_picker.js';

export function predictionBars(r) {
  return h('div.prediction',
    h('div', 'prediction: ', h('strong#prediction', r.class_names[r.prediction] ?? r.prediction),
      r.source.label_name !== undefined ? h('span.muted', ` (true class ${r.source.label_name})`) : null),
    r.probabilities.map((p, k) => h('div.prob' + (k === r.prediction ? '.top' : ''),
      h('span.prob-label', r.class_names[k]), h('span.prob-bar', h('span', { style: { width: (100 * p).toFixed(1) + '%' } })),
      h('span.prob-value', pct(p)))));
}

// The inspected input, named for screen readers.
export function inputCanvas(r, H, W) {
  const c = mapCanvas(r.input, H, W, { cmap: 'gray', range: [0, 1] }, 112);
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', r.source?.index !== undefined
    ? `the input: ${r.source.kind} #${r.source.index}, label ${r.source.label_name ?? r.source.label}` : 'the input: a drawn image');
  return c;
}

export async function insideView(root, runId) {
  const result = h('div.inside-result', h('div.muted', 'Pick an image on the left or draw one.'));
  const neuronPanel = h('div.neuron-panel');
  let last = null;

  async function showNeuron(layer, name, unit) {
    clear(neuronPanel, h('div.muted', `${name}, unit ${unit}: computing over the test set…`));
    try {
      const n = await postJSON(`/api/runs/${encodeURIComponent(runId)}/neuron`, { layer, unit, limit: 2000, top: 8 });
      const parts = [h('h2', `${n.layer_name} · unit ${unit}`, h('span.muted', ` (${n.unit_kind}, fires when > ${n.threshold})`))];
      for (const [split, s] of Object.entries(n.splits)) {
        parts.push(h('h3', split === 'test' ? 'classes seen in training (test images)' : 'unseen classes'),
          h('table.rates', h('tr', h('th', { scope: 'col' }, 'class'), h('th', { scope: 'col' }, 'firing rate'),
            h('th', { scope: 'col' }, 'mean'), h('th', { scope: 'col' }, 'images')),
            s.classes.map((c) => h('tr', h('td', c.name), h('td', h('span.rate-bar', h('span', { style: { width: (100 * c.firing_rate).toFixed(1) + '%' } })), ' ', pct(c.firing_rate)),
              h('td.num', fmt(c.mean, 3)), h('td.num', c.count)))));
        const tops = h('div.tops');
        parts.push(h('div.muted', 'top-activating images:'), tops);
        getPacked(`/api/runs/${encodeURIComponent(runId)}/samples?split=${split}&indices=${s.top.map((t) => t.index).join(',')}`).then((img) => {
          const shape = img.images.shape, w = shape[shape.length - 1], hh = shape.length > 2 ? shape[shape.length - 2] : 1;
          const per = img.images.length / Math.max(1, img.indices.length);
          clear(tops, s.top.map((t, k) => {
            const c = mapCanvas(img.images, hh, w, { cmap: 'gray', range: [0, 1], offset: k * per }, 48);
            c.setAttribute('role', 'img');
            c.setAttribute('aria-label', `${split} #${t.index}, label ${img.class_names[t.label] ?? t.label}`);
            return h('figure', c, h('figcaption', `${img.class_names[t.label] ?? t.label} · ${fmt(t.value, 3)}`));
          }));
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
        h('div.row', inputCanvas(r, H, W), predictionBars(r)),
        h('div.muted', `forward pass ${fmt(r.timing.forward_ms, 3)} ms on the server · click a unit to see what makes it fire`),
        r.layers.map((l) => h('div.layer-view',
          h('div.layer-title', h('strong', l.name), ` ${l.type}`,
            l.activation !== 'linear' ? ` (${l.activation})` : '', h('span.muted', ` shape ${l.values.shape.join('×')} · range ${fmt(l.min, 3)} … ${fmt(l.max, 3)}`)),
          layerPicture(l.values, l.values.shape, { name: l.name, onunit: (u) => showNeuron(l.index, l.name, u) }))));
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

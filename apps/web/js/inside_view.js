// Inside the network, on one screen: one input's prediction with its novelty per layer
// (novelty.js), the network drawn as a graph (network_graph.js) whose every layer is a box
// of small pictures (conv channel maps with their
// colour bar, per layer or one scale for all layers; dense units as bars), and the
// clicked unit in a side panel next to the rows: this input's value (for a channel its
// maximum and where it is), its kernel or incoming weights, its firing rate per class and
// the test images that excite it most. Layers are named by their names (conv2d_1, dense_2), as in every other view. The
// input, the unit and the scale are in the URL (?split=test&index=4&layer=dense_1&unit=3).
import { getPacked, postJSON, postPacked } from './api.js';
import { colorBar } from './color_scale.js';
import { clear, errorBox, fmt, h, pct } from './dom.js';
import { mapCanvas } from './draw.js';
import { barsCanvas, layerPicture, mapRange } from './layer_picture.js';
import { inputsOf, networkGraph } from './network_graph.js';
import { fetchNpy } from './npy.js';
import { noveltyPanel, signatureModel } from './novelty.js';
import { samplePicker } from './sample_picker.js';
import { inputFromQuery, setQuery, setTitle } from './view_state.js';

const divergingRamp = 'linear-gradient(to right, rgb(0,0,255), rgb(255,255,255), rgb(255,0,0))';
const viridisRamp = 'linear-gradient(to right, rgb(68,1,84), rgb(59,82,139), rgb(33,145,140), rgb(94,201,98), rgb(253,231,37))';

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

const isMaps = (shape) => shape.length === 3 && shape[1] * shape[2] > 1;

// This input's value of a unit: a neuron's value, or a channel's maximum and its place.
export function unitValue(l, unit) {
  const shape = l.values.shape;
  if (!isMaps(shape)) return `this input: ${fmt(l.values[unit], 3)}`;
  const [, H, W] = shape, n = H * W;
  let best = -Infinity, at = 0, sum = 0;
  for (let k = 0; k < n; ++k) { const v = l.values[unit * n + k]; sum += v; if (v > best) { best = v; at = k; } }
  return `this input: maximum ${fmt(best, 3)} at row ${Math.floor(at / W)}, column ${at % W} · mean ${fmt(sum / n, 3)}`;
}

// Firing rate per class and the top images of one split (the /neuron answer's part).
function splitStats(runId, split, s) {
  const tops = h('div.tops');
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
  return [h('h3', split === 'test' ? 'classes seen in training (test images)' : 'unseen classes'),
    h('table.rates', h('tr', h('th', { scope: 'col' }, 'class'), h('th', { scope: 'col' }, 'firing rate'),
      h('th', { scope: 'col' }, 'mean'), h('th', { scope: 'col' }, 'images')),
    s.classes.map((c) => h('tr', h('td', c.name), h('td', h('span.rate-bar', h('span', { style: { width: (100 * c.firing_rate).toFixed(1) + '%' } })), ' ', pct(c.firing_rate)),
      h('td.num', fmt(c.mean, 3)), h('td.num', c.count)))),
    h('div.muted', 'top-activating images:'), tops];
}

// The unit's incoming weights, from the saved model (model/<layer>.kernel.npy): a conv
// channel's kernel, one small map per input channel; a dense unit's weights as a map when
// they come from an image-shaped layer (`inShape`), else as bars. Red positive, blue
// negative, on one symmetric scale stated by a colour bar.
function weightsPart(runId, l, unit, inShape) {
  const box = h('div#unit-weights');
  fetchNpy(`/api/runs/${encodeURIComponent(runId)}/files/model/${encodeURIComponent(l.name)}.kernel.npy`).then(({ shape, data }) => {
    let w, pictures;
    if (shape.length === 4) {
      const [, C, kh, kw] = shape, n = C * kh * kw;
      w = data.subarray(unit * n, (unit + 1) * n);
      const bound = Math.max(...w.map(Math.abs)) || 1;
      pictures = [...Array(Math.min(C, 16)).keys()].map((c) => {
        const m = mapCanvas(w, kh, kw, { cmap: 'diverging', range: [-bound, bound], offset: c * kh * kw }, 36);
        m.setAttribute('role', 'img');
        m.setAttribute('aria-label', `kernel of ${l.name} channel ${unit} on input channel ${c}`);
        return m;
      });
      clear(box, h('h3', `kernel: ${C} input channel${C === 1 ? '' : 's'} × ${kh}×${kw}`),
        colorBar(-bound, bound, 'weight', { gradient: divergingRamp }), h('div.maps', pictures));
      return;
    }
    const [inputs, units] = shape;
    w = Float32Array.from({ length: inputs }, (_, j) => data[j * units + unit]);
    const bound = Math.max(...w.map(Math.abs)) || 1;
    const [H, W] = inShape.length >= 2 ? inShape.slice(-2) : [1, inputs];
    const image = inShape.length >= 2 && H * W === inputs;
    const picture = image ? mapCanvas(w, H, W, { cmap: 'diverging', range: [-bound, bound] }, 112)
      : barsCanvas(w, { cmap: true, label: `incoming weights of ${l.name} unit ${unit}`, width: 300, height: 60 });
    if (image) { picture.setAttribute('role', 'img'); picture.setAttribute('aria-label', `incoming weights of ${l.name} unit ${unit} as a ${H}×${W} image`); }
    clear(box, h('h3', `incoming weights: ${inputs}`), colorBar(-bound, bound, 'weight', { gradient: divergingRamp }), picture);
  }).catch(() => clear(box, h('div.muted', `no weights: ${l.name} is a ${l.type} layer`)));
  return box;
}

async function showNeuron(panel, runId, l, unit, inShape) {
  const weights = weightsPart(runId, l, unit, inShape);
  clear(panel, h('h2', `${l.name} · unit ${unit}`), h('div#unit-value', unitValue(l, unit)), weights,
    h('div.muted', 'computing over the test set…'));
  try {
    const n = await postJSON(`/api/runs/${encodeURIComponent(runId)}/neuron`, { layer: l.name, unit, limit: 2000, top: 8 });
    clear(panel, h('h2', `${n.layer_name} · unit ${unit}`, h('span.muted', ` (${n.unit_kind}, fires when > ${n.threshold})`)),
      h('div#unit-value', unitValue(l, unit)), weights,
      Object.entries(n.splits).map(([split, s]) => splitStats(runId, split, s)));
  } catch (e) {
    clear(panel, errorBox(e));
  }
}

// The network as a graph (network_graph.js): the input, then one box per layer with its
// activations, joined as the layers take each other's outputs; `chosen` {layer, unit} is
// marked; onunit(l, unit) on a click.
function layerGraph(r, scale, chosen, onunit) {
  const inShape = r.input.shape, W = inShape[inShape.length - 1], H = inShape.length > 1 ? inShape[inShape.length - 2] : 1;
  const input = mapCanvas(r.input, H, W, { cmap: 'gray', range: [0, 1] }, 56);
  input.setAttribute('role', 'img');
  input.setAttribute('aria-label', 'the input of the network');
  const nodes = [{ name: 'input', inputs: [], content: [h('div.layer-title', h('strong', 'input'), h('span.muted', ` ${inShape.join('×')}`)), input] }];
  layerRows(r, scale, chosen, onunit).forEach((row, k) => nodes.push({ name: r.layers[k].name, inputs: inputsOf(r.layers, k), content: row }));
  return networkGraph(nodes, { label: 'the network: each layer with its activations, arrows from the layers it takes' });
}

// One box per layer; `chosen` {layer, unit} is marked; onunit(l, unit) on a click.
function layerRows(r, scale, chosen, onunit) {
  const maps = r.layers.filter((l) => isMaps(l.values.shape));
  const global = scale === 'global' && maps.length ? mapRange(maps.flatMap((l) => mapRange(l.values))) : null;
  return r.layers.map((l, k) => {
    const range = isMaps(l.values.shape) ? global || mapRange(l.values) : null;
    const takes = inputsOf(r.layers, k);
    return h('div.layer-view', { dataset: { layer: l.name } },
      h('div.layer-title', h('strong', l.name), ` ${l.type}`,
        l.activation !== 'linear' ? ` (${l.activation})` : '', takes.length > 1 ? h('span.node-inputs', ` of ${takes.join(' and ')}`) : null,
        h('span.muted', ` shape ${l.values.shape.join('×')} · range ${fmt(l.min, 3)} … ${fmt(l.max, 3)}`)),
      range ? colorBar(range[0], range[1], `${l.name} activation${global ? ' (one scale for all layers)' : ''}`, { gradient: viridisRamp }) : null,
      // Many channels get smaller tiles, so a wide layer's box stays a few rows high.
      layerPicture(l.values, l.values.shape, { name: l.name, range, size: l.values.shape[0] > 8 ? 40 : 56, selected: chosen?.layer === l.name ? chosen.unit : -1,
        onunit: (u) => onunit(l, u) }));
  });
}

const inputName = (i) => (i?.pixels ? 'drawn' : i ? `${i.split} #${i.index}` : '');

export async function insideView(root, runId, params = new URLSearchParams()) {
  const result = h('div.inside-result', h('div.muted', 'Pick an image on the left or draw one.'));
  const panel = h('section#neuron-panel.neuron-panel', { 'aria-label': 'the chosen unit' },
    h('div.muted', 'Click a channel or a unit: its details appear here.'));
  const scale = h('select', { name: 'scale', 'aria-label': 'colour scale of the activation maps' },
    h('option', { value: 'layer' }, 'a scale per layer'), h('option', { value: 'global' }, 'one scale for all layers'));
  scale.value = params.get('scale') === 'global' ? 'global' : 'layer';
  let chosen = params.get('layer') ? { layer: params.get('layer'), unit: Number(params.get('unit') || 0) } : null;
  let last = null, input = null;
  const title = () => setTitle('inside', runId, inputName(input), chosen ? `${chosen.layer} unit ${chosen.unit}` : null);

  // The shape a layer reads: its (first) input's output, or the model input's; through a
  // flatten, the image before it (a dense unit's weights on that image).
  const inShapeOf = (l) => {
    const byName = (name) => last.layers.find((x) => x.name === name);
    let from = byName(inputsOf(last.layers, last.layers.indexOf(l))[0]);
    while (from && from.type === 'flatten') from = byName(inputsOf(last.layers, last.layers.indexOf(from))[0]);
    return from ? from.values.shape : last.input.shape;
  };
  const onunit = (l, unit) => {
    chosen = { layer: l.name, unit };
    setQuery({ layer: l.name, unit });
    title();
    showNeuron(panel, runId, l, unit, inShapeOf(l));
  };
  function draw() {
    const r = last, inShape = r.input.shape, W = inShape[inShape.length - 1], H = inShape.length > 1 ? inShape[inShape.length - 2] : 1;
    clear(result, h('div.row.prediction-row', inputCanvas(r, H, W), predictionBars(r), h('div#novelty-slot')),
      h('div.row', h('span.muted', `forward pass ${fmt(r.timing.forward_ms, 3)} ms on the server · click a unit to see what makes it fire`),
        h('label.field', h('span', 'colour scale'), scale)),
      layerGraph(r, scale.value, chosen, onunit));
    signatureModel(runId).then((m) => { if (last === r) result.querySelector('#novelty-slot')?.replaceWith(noveltyPanel(r, m)); });
  }
  async function inspect(i) {
    input = i;
    setQuery(i.pixels ? { split: null, index: null } : { split: i.split, index: i.index });
    title();
    try {
      last = await postPacked(`/api/runs/${encodeURIComponent(runId)}/inspect`, i);
      draw();
      // The chosen unit stays chosen: its panel shows the new input's value (or, for a
      // unit named by the URL, appears now).
      const l = chosen && last.layers.find((x) => x.name === chosen.layer);
      const value = panel.querySelector('#unit-value');
      if (l && value) value.textContent = unitValue(l, chosen.unit);
      else if (l) showNeuron(panel, runId, l, chosen.unit, inShapeOf(l));
    } catch (e) {
      clear(result, errorBox(e));
    }
  }
  scale.addEventListener('change', () => { setQuery({ scale: scale.value === 'global' ? 'global' : null }); if (last) draw(); });

  const picker = samplePicker(runId, inspect);
  clear(root, h('h1', 'Inside the network ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + encodeURIComponent(runId) }, '← run'), ' · ',
      h('a', { href: '#/relevance/' + encodeURIComponent(runId) }, 'relevance'), ' · ',
      h('a', { href: '#/signatures/' + encodeURIComponent(runId) }, 'signatures')),
    h('div.inside.network', picker.el, h('div.inside-main', result, panel)));
  const wanted = inputFromQuery(params);
  if (wanted) { await picker.show(wanted); return; }
  const s = await picker.load();
  if (s && s.indices.length) picker.pick({ split: s.split, index: s.indices[0] });
}

// Relevance: LRP heatmaps of one input for every output class (which pixels speak for
// and against each class), the composite selectable, and the relevance of each layer's
// neurons for a chosen class with its total (conservation): drawn on the network's graph
// and listed in a table.
//
// Per layer, the API gives the relevance on the layer's OUTPUT and the rule that passes
// it on to the layer's INPUT; the table's column headings say so, and its last row is the
// input, with the conservation error (Σ at the input against the explained logit).
import { postPacked, registry } from './api.js';
import { colorBar } from './color_scale.js';
import { clear, errorBox, fmt, h } from './dom.js';
import { mapCanvas } from './draw.js';
import { arrowKeys, keepingFocus } from './focus.js';
import { inputCanvas, predictionBars } from './inside_view.js';
import { layerPicture } from './layer_picture.js';
import { inputsOf, networkGraph } from './network_graph.js';
import { samplePicker } from './sample_picker.js';
import { inputFromQuery, setQuery, setTitle } from './view_state.js';

const divergingRamp = 'linear-gradient(to right, rgb(0,0,255), rgb(255,255,255), rgb(255,0,0))';

function heatmaps(r, rel, chosenClass, bound, onchoose) {
  const inShape = r.input.shape, W = inShape[inShape.length - 1], H = inShape.length > 1 ? inShape[inShape.length - 2] : 1;
  return arrowKeys(h('div.heatmaps', { role: 'group', 'aria-label': 'relevance heatmap per class' }, rel.targets.map((t) => {
    const name = r.class_names[t.class] ?? t.class;
    const c = mapCanvas(t.input, H, W, { cmap: 'diverging', range: [-bound, bound] }, 140);
    c.classList.add('heatmap');
    c.setAttribute('aria-hidden', 'true');
    const chosen = t.class === chosenClass, predicted = t.class === r.prediction;
    return h('button.heatmap-button' + (chosen ? '.chosen' : ''), {
      type: 'button', 'aria-pressed': String(chosen), 'data-focus': `heatmap-${t.class}`, 'data-class': t.class,
      onclick: () => onchoose(t.class),
    }, c, h('span.caption', h('span.sr-only', 'relevance for class '), h('strong', name), predicted ? h('span.badge', 'predicted') : null,
      h('br'), `logit ${fmt(t.logit, 3)} · Σ input ${fmt(t.input_sum, 3)}`));
  })), 'button.heatmap-button');
}

// A layer's relevance maps are drawn on the symmetric range of their largest magnitude.
function mapBar(values) {
  const shape = values.shape;
  if (!(shape.length === 3 && shape[1] * shape[2] > 1)) return null;
  let bound = 0;
  for (const v of values) bound = Math.max(bound, Math.abs(v));
  return colorBar(-bound, bound, 'relevance', { gradient: divergingRamp });
}

// A layer's name by its model index (the inspect answer lists layers in the order the
// pass runs them, which for a graph model is not the index order).
const layerName = (r, rel, i) => r.layers.find((l) => l.index === i)?.name || rel.plan.find((p) => p.index === i)?.name || `layer ${i + 1}`;

// The network as a graph (network_graph.js), each node with the relevance on its output
// for the chosen class: its total, the rule passing it on, its neurons' maps or bars; the
// input node shows the class's heatmap.
function relevanceGraph(r, rel, chosen, bound) {
  const inShape = r.input.shape, W = inShape[inShape.length - 1], H = inShape.length > 1 ? inShape[inShape.length - 2] : 1;
  const heat = mapCanvas(chosen.input, H, W, { cmap: 'diverging', range: [-bound, bound] }, 56);
  heat.setAttribute('role', 'img');
  heat.setAttribute('aria-label', 'relevance at the input');
  const nodes = [{ name: 'input', inputs: [], content: [h('div.layer-title', h('strong', 'input'), ` Σ ${fmt(chosen.input_sum, 4)}`), heat] }];
  r.layers.forEach((l, k) => {
    const lr = chosen.layers.find((x) => x.index === l.index);
    const plan = rel.plan.find((p) => p.index === l.index);
    const name = layerName(r, rel, l.index);
    nodes.push({ name, inputs: lr?.inputs || inputsOf(r.layers, k), content: h('div.relevance-node', { dataset: { layer: name } },
      h('div.layer-title', h('strong', name), ` ${l.type}`, h('span.node-sum', ` Σ ${lr ? fmt(lr.sum, 4) : '–'}`),
        plan ? h('span.muted', ` · ${plan.rule}`) : null),
      lr?.values ? [mapBar(lr.values), layerPicture(lr.values, lr.values.shape, { diverging: true, size: 32, name: name + ' relevance (graph)' })] : null) });
  });
  return networkGraph(nodes, { label: 'the network: each layer with the relevance on its output, arrows from the layers it takes' });
}

function layerTable(r, rel, chosen) {
  const name = (i) => layerName(r, rel, i);
  const err = chosen.conservation_error;
  return h('div.table-scroll', h('table.layer-sums',
    h('caption', `Relevance for class ${r.class_names[chosen.class] ?? chosen.class}, from the output (top) to the input (bottom)`),
    h('thead', h('tr', h('th', { scope: 'col' }, 'layer'), h('th', { scope: 'col' }, 'Σ relevance on its output'),
      h('th', { scope: 'col' }, 'rule passing it to its input'), h('th', { scope: 'col' }, 'relevance of its neurons'))),
    h('tbody', [...chosen.layers].reverse().map((l) => {
      const plan = rel.plan.find((p) => p.index === l.index);
      return h('tr', h('th', { scope: 'row' }, name(l.index)), h('td.num', fmt(l.sum, 4)), h('td.muted', plan ? plan.rule : ''),
        h('td.picture', l.values ? [mapBar(l.values), layerPicture(l.values, l.values.shape, { diverging: true, size: 40, name: name(l.index) + ' relevance' })] : null));
    }), h('tr.input-row', h('th', { scope: 'row' }, 'input'), h('td.num#input-sum', fmt(chosen.input_sum, 4)),
      h('td.muted', '—'), h('td', 'the heatmap above')))),
  h('div#conservation.muted', `conservation: Σ at the input ${fmt(chosen.input_sum, 4)} against the logit ${fmt(chosen.logit, 4)}, ` +
    `error ${typeof err === 'number' ? (100 * err).toFixed(2) + '%' : '–'} ` +
    '(0% when every layer passes on exactly what it receives; biases and stabilizers absorb some)'));
}

export async function relevanceView(root, runId, params = new URLSearchParams()) {
  const reg = await registry();
  const caps = reg.relevance;
  const header = [h('h1', 'Relevance (LRP) ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + encodeURIComponent(runId) }, '← run'), ' · ',
      h('a', { href: '#/inside/' + encodeURIComponent(runId) }, 'inside'), ' · ',
      h('a', { href: '#/signatures/' + encodeURIComponent(runId) }, 'signatures'))];
  const wantedComposite = caps.composites.includes(params.get('composite')) ? params.get('composite') : caps.default;
  const composite = h('select', { name: 'composite' }, caps.composites.map((c) => h('option', { value: c, selected: c === wantedComposite }, c)));
  const result = h('div.relevance-result', h('div.muted', 'Pick an image.'));
  let input = null, layerClass = /^\d+$/.test(params.get('class') || '') ? Number(params.get('class')) : null;
  // The input, composite and chosen class are in the URL; the title names them.
  const remember = () => {
    setQuery({ split: input?.pixels ? null : input?.split, index: input?.pixels ? null : input?.index,
      composite: composite.value === caps.default ? null : composite.value, class: layerClass });
    setTitle('relevance', runId, input?.pixels ? 'drawn' : input ? `${input.split} #${input.index}` : null,
      composite.value, layerClass !== null ? `class ${layerClass}` : null);
  };

  async function explain() {
    if (!input) return;
    remember();
    try {
      const r = await postPacked(`/api/runs/${encodeURIComponent(runId)}/inspect`,
        { ...input, relevance: { composite: composite.value, layers_for: layerClass ?? 'predicted' } });
      const rel = r.relevance;
      const chosenClass = layerClass ?? r.prediction;
      const chosen = rel.targets.find((t) => t.class === chosenClass) || rel.targets[0];
      const inShape = r.input.shape, W = inShape[inShape.length - 1], H = inShape.length > 1 ? inShape[inShape.length - 2] : 1;
      // One colour scale for all classes, so heatmaps can be compared with each other.
      let bound = 0;
      for (const t of rel.targets) for (const v of t.input) bound = Math.max(bound, Math.abs(v));
      keepingFocus(result, () => clear(result,
        h('div.row', inputCanvas(r, H, W), predictionBars(r)),
        h('div.muted', `composite ${rel.composite} · forward ${fmt(r.timing.forward_ms, 3)} ms + LRP ${fmt(r.timing.relevance_ms, 3)} ms on the server`),
        colorBar(-bound, bound, 'relevance: blue against the class, red for it', { gradient: divergingRamp }),
        heatmaps(r, rel, chosen.class, bound, (c) => { layerClass = c; explain(); }),
        h('h2', `Per-layer relevance for class ${r.class_names[chosen.class] ?? chosen.class}`,
          h('span.muted', ' (choose the class with its heatmap)')),
        relevanceGraph(r, rel, chosen, bound),
        layerTable(r, rel, chosen)));
    } catch (e) {
      clear(result, errorBox(e));
    }
  }

  composite.addEventListener('change', explain);
  let first = true;  // the class named by the URL holds for the input named by the URL
  const picker = samplePicker(runId, (i) => { input = i; if (!first) layerClass = null; first = false; explain(); });
  clear(root, header, h('div.row', h('label.field', h('span', 'composite'), composite)),
    h('div.inside', picker.el, result));
  const wanted = inputFromQuery(params);
  if (wanted) { await picker.show(wanted); return; }
  layerClass = null;
  const s = await picker.load();
  if (s && s.indices.length) picker.pick({ split: s.split, index: s.indices[0] });
}

// Relevance: LRP heatmaps of one input for every output class (which pixels speak for
// and against each class), the composite selectable, and the relevance of each layer's
// neurons for a chosen class with its total (conservation).
import { postPacked, registry } from './api.js';
import { clear, errorBox, fmt, h } from './dom.js';
import { mapCanvas } from './draw.js';
import { layerPicture, predictionBars } from './inside_view.js';
import { samplePicker } from './sample_picker.js';

export async function relevanceView(root, runId) {
  const reg = await registry();
  const caps = reg.relevance;
  const header = [h('h1', 'Relevance (LRP) ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + encodeURIComponent(runId) }, '← run'), ' · ',
      h('a', { href: '#/inside/' + encodeURIComponent(runId) }, 'inside'), ' · ',
      h('a', { href: '#/signatures/' + encodeURIComponent(runId) }, 'signatures'))];
  const composite = h('select', { name: 'composite' }, caps.composites.map((c) => h('option', { value: c, selected: c === caps.default }, c)));
  const result = h('div.relevance-result', h('div.muted', 'Pick an image.'));
  let input = null, layerClass = null;

  async function explain() {
    if (!input) return;
    try {
      const r = await postPacked(`/api/runs/${encodeURIComponent(runId)}/inspect`,
        { ...input, relevance: { composite: composite.value, layers_for: layerClass ?? 'predicted' } });
      const rel = r.relevance;
      const inShape = r.input.shape, W = inShape[inShape.length - 1], H = inShape.length > 1 ? inShape[inShape.length - 2] : 1;
      // One colour scale for all classes, so heatmaps can be compared with each other.
      let bound = 0;
      for (const t of rel.targets) for (const v of t.input) bound = Math.max(bound, Math.abs(v));
      const chosen = rel.targets.find((t) => t.layers.some((l) => l.values)) || rel.targets[0];
      clear(result,
        h('div.row', mapCanvas(r.input, H, W, { cmap: 'gray', range: [0, 1] }, 112), predictionBars(r)),
        h('div.muted', `composite ${rel.composite} · forward ${fmt(r.timing.forward_ms, 3)} ms + LRP ${fmt(r.timing.relevance_ms, 3)} ms on the server · red: evidence for the class, blue: against`),
        h('div.heatmaps', rel.targets.map((t) => {
          const c = mapCanvas(t.input, H, W, { cmap: 'diverging', range: [-bound, bound] }, 140);
          c.classList.add('heatmap');
          return h('figure' + (t.class === r.prediction ? '.predicted' : ''), { onclick: () => { layerClass = t.class; explain(); } },
            c, h('figcaption', h('strong', r.class_names[t.class] ?? t.class),
              ` logit ${fmt(t.logit, 3)} · Σ input ${fmt(t.input_sum, 3)}`));
        })),
        h('h3', `Per-layer relevance for class ${r.class_names[chosen.class] ?? chosen.class}`, h('span.muted', ' (click a heatmap to choose the class)')),
        h('table.layer-sums', h('tr', h('th', 'layer'), h('th', 'rule'), h('th', 'Σ relevance'), h('th', '')),
          chosen.layers.map((l) => {
            const meta = r.layers[l.index] || {};
            const plan = rel.plan.find((p) => p.index === l.index);
            return h('tr', h('td', `${l.index} · ${meta.name || ''}`), h('td.muted', plan ? plan.rule : ''),
              h('td.num', fmt(l.sum, 4)),
              h('td', l.values ? layerPicture(l.values, l.values.shape, { diverging: true, size: 40 }) : null));
          })));
    } catch (e) {
      clear(result, errorBox(e));
    }
  }

  composite.addEventListener('change', explain);
  const picker = samplePicker(runId, (i) => { input = i; layerClass = null; explain(); });
  clear(root, header, h('div.row', h('label.field', h('span', 'composite'), composite)),
    h('div.inside', picker.el, result));
  const s = await picker.load();
  if (s && s.indices.length) picker.pick({ split: s.split, index: s.indices[0] });
}

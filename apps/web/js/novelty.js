// Novelty of one input, where the prediction is shown: per recorded layer the distance of
// the input's features to the nearest class signature (the class mean of the run's
// signature study, signatures/arrays/NN_<layer>.mean.npy) and the threshold the study
// found for that layer: the 95th percentile of the same distance over held-out inputs of
// the trained classes (seen_distance.p95), i.e. the centroid score's threshold at 95%
// true-positive rate. Above it the input is "novel at that layer". The features and the
// distance are the study's (docs/signatures.md): a neuron layer's values, a channel
// layer's spatial means, Euclidean distance, the lowest class winning ties.
import { getJSON } from './api.js';
import { fmt, h, pct } from './dom.js';
import { fetchNpy } from './npy.js';

const models = new Map();

// The run's class signatures and thresholds, once per run; null without a study.
export function signatureModel(runId) {
  if (!models.has(runId)) models.set(runId, loadModel(runId).catch((e) => ({ error: e.message })));
  return models.get(runId);
}

async function loadModel(runId) {
  const base = `/api/runs/${encodeURIComponent(runId)}`;
  let sig = (await getJSON(base)).signatures;
  if (sig?.too_large) sig = await getJSON(`${base}/files/signatures.json`);
  if (!sig || sig.error || sig.format !== 'glassbox-signatures/1') return null;
  // Every unseen group is scored against the same held-out seen inputs: one threshold per layer.
  const seen = sig.unseen?.[0]?.layers || [];
  const layers = await Promise.all(sig.layers.map(async (l) => {
    const m = await fetchNpy(`${base}/files/${l.arrays.mean}`);
    const s = seen.find((x) => x.position === l.position);
    return { position: l.position, index: l.index, name: l.name, feature: l.feature, shape: l.shape,
      classes: m.shape[0], features: m.shape[1], means: m.data, threshold: s?.seen_distance?.p95 ?? null };
  }));
  return { classNames: sig.classes.map((c) => String(c.name)), layers };
}

// The features the study records at a layer: the values, or per channel the spatial mean.
export function layerFeatures(values, shape, feature) {
  if (feature !== 'channel' || shape.length < 2) return values;
  const C = shape[0], n = values.length / C, out = new Float64Array(C);
  for (let c = 0; c < C; ++c) {
    let s = 0;
    for (let k = 0; k < n; ++k) s += values[c * n + k];
    out[c] = s / n;
  }
  return out;
}

// [{name, nearest, distance, threshold, novel}] for the inspected input `r` (/inspect).
export function noveltyRows(r, model) {
  const rows = [];
  for (const l of model.layers) {
    const values = l.index === -1 ? (r.model_input || r.input) : r.layers.find((x) => x.index === l.index)?.values;
    if (!values) continue;
    const x = layerFeatures(values, l.shape, l.feature);
    if (x.length !== l.features) continue;
    let best = Infinity, nearest = 0;
    for (let c = 0; c < l.classes; ++c) {
      let d2 = 0;
      for (let j = 0; j < l.features; ++j) { const d = x[j] - l.means[c * l.features + j]; d2 += d * d; }
      if (Math.sqrt(d2) < best) { best = Math.sqrt(d2); nearest = c; }
    }
    rows.push({ name: l.name, nearest: model.classNames[nearest] ?? String(nearest), distance: best,
      threshold: l.threshold, novel: l.threshold !== null && best > l.threshold });
  }
  return rows;
}

// "Looks like a 3 at the output (95.1%), but is novel at dense_1, dense_2."
export function verdict(r, rows) {
  const out = `Looks like a ${r.class_names[r.prediction] ?? r.prediction} at the output (${pct(r.probabilities[r.prediction])})`;
  if (rows.every((x) => x.threshold === null)) return out + '; the study has no held-out threshold to judge novelty by.';
  const novel = rows.filter((x) => x.novel).map((x) => x.name);
  return novel.length ? `${out}, but is novel at ${novel.join(', ')}.` : `${out}, and is within the range of the trained classes at every layer.`;
}

// The panel next to the probability bars (empty when the run has no signature study).
export function noveltyPanel(r, model) {
  if (!model) return h('div.novelty.novelty-note#novelty', 'Novelty per layer needs a signature study of this run ' +
    '(a "signatures" section in the experiment).');
  if (model.error) return h('div.novelty.novelty-note#novelty', 'Novelty per layer: ' + model.error);
  const rows = noveltyRows(r, model);
  return h('div.novelty#novelty',
    h('div#novelty-verdict', { role: 'status' }, verdict(r, rows)),
    h('div.table-scroll', h('table.novelty-table',
      h('caption', 'distance to the nearest class signature per layer; novel when above the threshold ' +
        '(95% of held-out inputs of the trained classes are below it)'),
      h('thead', h('tr', ['layer', 'nearest class', 'distance', 'threshold', 'novel?'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', rows.map((x) => h('tr' + (x.novel ? '.novel' : ''), h('th', { scope: 'row' }, x.name), h('td', x.nearest),
        h('td.num', fmt(x.distance, 3)), h('td.num', x.threshold === null ? '–' : fmt(x.threshold, 3)),
        h('td', x.threshold === null ? '–' : x.novel ? 'novel' : 'no', x.threshold ? distanceBar(x) : null)))))));
}

function distanceBar(x) {
  const share = Math.min(1, x.distance / (2 * x.threshold));
  return h('span.distance-bar', { 'aria-hidden': 'true', title: `${fmt(x.distance / x.threshold, 3)} × the threshold` },
    h('span', { style: { width: (100 * share).toFixed(1) + '%' } }), h('span.threshold-mark'));
}

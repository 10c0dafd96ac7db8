// Signatures: what the signature study (signatures.json) found — class×class similarity
// per layer, separability per layer with the divergence layer marked, firing-rate
// heatmaps, and the unseen-class view (prediction split, novelty AUROC per layer,
// nearest class signature per layer). Layers are named by their names (conv2d_1), as in
// the inside and relevance views; class × class matrices use one fixed colour scale per
// kind of value, stated by a colour bar.
import { getJSON } from './api.js';
import { lineChart } from './charts.js';
import { colorBar, matrixRange, shade } from './color_scale.js';
import { clear, errorBox, fmt, h, pct } from './dom.js';
import { mapCanvas } from './draw.js';
import { fetchNpy } from './npy.js';
import { setQuery, setTitle } from './view_state.js';

// nearest_class holds, per learned class, how many unseen inputs are nearest to its
// signature: show it as shares ("1 37.9% · 3 62.1%").
function nearestSplit(counts, names) {
  if (!Array.isArray(counts)) return String(counts ?? '');
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((n, c) => `${names[c] ?? c} ${(100 * n / total).toFixed(1)}%`).join(' · ');
}

export async function signaturesView(root, runId, params = new URLSearchParams()) {
  const header = [h('h1', 'Signatures ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + encodeURIComponent(runId) }, '← run'), ' · ',
      h('a', { href: '#/inside/' + encodeURIComponent(runId) }, 'inside'), ' · ',
      h('a', { href: '#/relevance/' + encodeURIComponent(runId) }, 'relevance'))];
  let detail;
  try { detail = await getJSON('/api/runs/' + encodeURIComponent(runId)); } catch (e) { clear(root, header, errorBox(e)); return; }
  let sig = detail.signatures;
  if (sig && sig.too_large) sig = await getJSON(`/api/runs/${encodeURIComponent(runId)}/files/signatures.json`);
  if (!sig || sig.error) {
    clear(root, header, h('div.warn', sig?.error || 'This run has no signatures.json. Add a "signatures" section to the experiment (or run glassbox signatures) to compute them.'));
    return;
  }
  clear(root, header, sig.format === 'glassbox-signatures/1' ? renderStudy(sig, runId, params) : renderSignatures(sig));
}

// One dashed line per divergence layer, named with the pairs that diverge there.
export function divergenceMarks(pairs, layerLabel) {
  const at = new Map();
  for (const d of pairs) if (d.position !== null && d.position !== undefined)
    at.set(d.position, [...(at.get(d.position) || []), `${d.a_name} vs ${d.b_name}`]);
  return [...at.entries()].map(([x, names]) => ({ x, short: '◆ divergence',
    label: `◆ divergence layer ${layerLabel(x)}: ${names.join(', ')} separate from here on` }));
}

// The signature study's own format (docs/signatures.md), section by section; `st` holds
// the study, the class names and the layer naming shared by the sections.
function renderStudy(sig, runId, params) {
  const byPosition = new Map(sig.layers.map((l) => [l.position, l.name]));
  const st = { sig, runId, params, names: sig.classes.map((c) => String(c.name)), layers: sig.layers,
    layerLabel: (p) => byPosition.get(p) ?? String(p) };
  return h('div.signatures',
    h('div.muted', `${sig.samples} training inputs (${sig.classes.map((c) => `${c.name}: ${c.count}`).join(', ')}), ` +
      `${sig.heldout?.count ?? '–'} held-out (model accuracy ${pct(sig.heldout?.model_accuracy)}); firing = activation > ${sig.options?.threshold}`),
    separabilityPart(st), matricesPart(st), ratesPart(st), characteristicPart(st),
    (sig.unseen || []).map((g) => unseenPart(st, g)),
    h('details', h('summary', 'signatures.json'), h('pre', JSON.stringify(sig, null, 1).slice(0, 50000))));
}

// Separability per layer, the threshold and the divergence layer of each pair marked.
function separabilityPart({ sig, layers, layerLabel }) {
  const xs = layers.map((l) => l.position);
  const probed = layers.some((l) => l.separability.probe_accuracy != null);
  const pairs = sig.divergence.pairs.slice(0, 6), threshold = sig.divergence.threshold;
  const sep = lineChart({ title: `separability per layer (${probed ? 'linear probe' : 'nearest-centroid'} accuracy on held-out inputs)`, xLabel: 'layer', xNames: layerLabel, yLabel: 'accuracy',
    series: [{ label: 'all classes', points: true }, ...pairs.map((d) => ({ label: `${d.a_name} vs ${d.b_name}`, points: true, dash: [4, 3] })),
      { label: `separability threshold (${pct(threshold)})`, color: '#64748b', dash: [2, 4], width: 1 }],
    marks: divergenceMarks(pairs, layerLabel), width: 640 });
  sep.setData(xs, [layers.map((l) => l.separability.probe_accuracy ?? l.separability.nearest_centroid_accuracy),
    ...pairs.map((d) => d.accuracy_per_layer), xs.map(() => threshold)]);
  return [h('h2', 'From which layer on do the classes differ?'), sep.el,
    scrollTable(h('tr', h('th', { scope: 'col' }, 'pair'), h('th', { scope: 'col' }, 'divergence layer'),
      h('th', { scope: 'col' }, 'accuracy there'), h('th', { scope: 'col' }, 'stays separable')),
      sig.divergence.pairs.map((d) => h('tr', h('td', `${d.a_name} vs ${d.b_name}`),
        h('td.divergence', d.layer ?? 'never'), h('td.num', pct(d.accuracy)), h('td', d.stays_separable ? 'yes' : 'no')))),
    h('div.muted', `divergence: the first layer where ${sig.divergence.criterion} reaches ${pct(sig.divergence.threshold)}`),
    h('div.muted', 'layers, input first: ', layers.map((l) => layerLabel(l.position)).join(' → '))];
}

// Class × class matrices, one per layer, the measure selectable (and in the URL).
function matricesPart({ sig, runId, params, names, layers, layerLabel }) {
  const metrics = ['cosine', 'correlation', 'euclidean', 'hamming', 'jaccard', 'probe_pair_accuracy', 'pair_accuracy', 'pair_fisher'];
  const select = h('select', { name: 'matrix', 'aria-label': 'measure shown in the class × class matrices' },
    metrics.map((m) => h('option', { value: m }, m.replaceAll('_', ' '))));
  const box = h('div.matrices');
  const drawMatrices = () => {
    const kind = select.value;
    const of = (l) => l.similarity[kind] ?? l.separability[kind];
    const [lo, hi] = matrixRange(kind, layers.flatMap((l) => (of(l) || []).flat()));
    clear(box, colorBar(lo, hi, kind.replaceAll('_', ' ') + (/accuracy/.test(kind) ? ' (0.5 = chance)' : '')),
      layers.map((l) => {
        const m = of(l);
        const div = sig.divergence.pairs.some((d) => d.position === l.position);
        return m ? matrixTable(m, names, { title: layerLabel(l.position) + (div ? ' ◆ divergence' : ''), lo, hi }) : null;
      }));
  };
  if (metrics.includes(params.get('matrix'))) select.value = params.get('matrix');
  select.addEventListener('change', () => {
    setQuery({ matrix: select.value === metrics[0] ? null : select.value });
    setTitle('signatures', runId, select.value.replaceAll('_', ' '));
    drawMatrices();
  });
  drawMatrices();
  return [h('h2', 'Class × class signatures per layer'), h('label.field', h('span', 'measure'), select), box];
}

// Firing rates (class × neuron) from the .npy arrays, drawn as they arrive.
function ratesPart({ runId, names, layers, layerLabel }) {
  const rates = h('div.rate-maps');
  Promise.all(layers.map(async (l) => {
    try {
      const a = await fetchNpy(`/api/runs/${encodeURIComponent(runId)}/files/${l.arrays.firing_rate}`);
      const [k, f] = a.shape;
      const c = mapCanvas(a.data, k, f, { cmap: 'viridis', range: [0, 1] });
      c.classList.add('rates');
      c.style.width = Math.min(900, Math.max(120, f * 6)) + 'px';
      c.style.height = k * 16 + 'px';
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', `firing rate of ${layerLabel(l.position)}'s ${f} ${l.feature}s for classes ${names.join(', ')}`);
      return h('div.rate-row', h('div.muted', `${layerLabel(l.position)} · ${l.features} ${l.feature}s · dead ${l.selectivity.dead} · coverage ${pct(l.selectivity.coverage)}`),
        h('div.row', h('div.rate-names', names.map((n) => h('div', n))), c));
    } catch (e) {
      return h('div.muted', `${layerLabel(l.position)}: ${e.message}`);
    }
  })).then((rows) => clear(rates, rows));
  return [h('h2', 'Firing rate per class (rows) and neuron or channel (columns)'),
    colorBar(0, 1, 'firing rate', { gradient: 'linear-gradient(to right, rgb(68,1,84), rgb(59,82,139), rgb(33,145,140), rgb(94,201,98), rgb(253,231,37))', loText: '0%', hiText: '100%' }),
    rates];
}

// Which neurons fire for which class: the most characteristic.
function characteristicPart({ names, layers, layerLabel }) {
  return [h('h2', 'Characteristic neurons per class'), scrollTable(
    h('tr', h('th', { scope: 'col' }, 'layer'), names.map((n) => h('th', { scope: 'col' }, n))),
    layers.map((l) => h('tr', h('td', layerLabel(l.position)), l.classes.map((c) => h('td',
      c.characteristic.slice(0, 4).map((r) => `#${r.neuron} (${pct(r.firing_rate)})`).join(', '))))))];
}

// One unseen class: how it was classified, novelty AUROC per layer (chance line), the table.
function unseenPart({ names, layerLabel }, g) {
  const total = g.predicted.reduce((a, b) => a + b, 0) || 1;
  const methods = Object.keys(g.layers[0]?.scores || {});
  const au = lineChart({ title: `novelty AUROC per layer: ${g.name} vs held-out ${names.join('/')}`, xLabel: 'layer', xNames: layerLabel, yLabel: 'AUROC',
    series: [...methods.map((m) => ({ label: m, points: true })), ...Object.keys(g.output_scores).map((m) => ({ label: m + ' (output)', dash: [6, 4] })),
      { label: 'chance (0.5)', color: '#64748b', dash: [2, 4], width: 1 }], width: 640 });
  au.setData(g.layers.map((l) => l.position), [...methods.map((m) => g.layers.map((l) => l.scores[m]?.auroc ?? null)),
    ...Object.values(g.output_scores).map((s) => g.layers.map(() => s.auroc)), g.layers.map(() => 0.5)]);
  return [h('h2', `Unseen: ${g.name} (${g.count} inputs)`),
    h('div.unseen-split', h('strong', 'predicted as: '), g.predicted.map((n, c) =>
      h('span.split', `${names[c] ?? c}: ${n} (${pct(n / total)})`))),
    au.el,
    scrollTable(h('tr', h('th', { scope: 'col' }, 'layer'), h('th', { scope: 'col' }, 'nearest class signature'),
      h('th', { scope: 'col' }, 'distance unseen (median)'), h('th', { scope: 'col' }, 'seen (median)'),
      methods.map((m) => h('th', { scope: 'col' }, m + ' AUROC'))),
      g.layers.map((l) => h('tr', h('td', l.layer), h('td', nearestSplit(l.nearest_class, names)),
        h('td.num', fmt(l.unseen_distance.median, 3)), h('td.num', fmt(l.seen_distance.median, 3)),
        methods.map((m) => h('td.num', fmt(l.scores[m]?.auroc, 3)))))),
    h('div.muted', `best signature score: ${g.best_signature_score.method} at ${g.best_signature_score.layer}, AUROC ${fmt(g.best_signature_score.auroc, 3)}; ` +
      Object.entries(g.output_scores).map(([m, s]) => `${m} AUROC ${fmt(s.auroc, 3)}`).join(', '))];
}

// signatures.json is read by shape, not by a fixed schema, so the view keeps working as
// the analyses grow: per-layer objects are scanned for class×class matrices
// (similarities, separability), per-layer numbers (separability, novelty AUROC) become
// curves over the layers, class×neuron arrays become firing-rate heatmaps, and the
// divergence and unseen-class sections are shown where they are found.
const isNum = (v) => typeof v === 'number' && isFinite(v);
const isMatrix = (v) => Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length && r.every((x) => isNum(x) || x === null));
const isSquare = (m, n) => isMatrix(m) && m.length === n && m.every((r) => r.length === n);

// A table that scrolls sideways inside its own box on a narrow screen.
const scrollTable = (...rows) => h('div.table-scroll', h('table', ...rows));

function walk(obj, fn, path = []) {
  if (obj && typeof obj === 'object' && !Array.isArray(obj))
    for (const [k, v] of Object.entries(obj)) { fn(v, [...path, k]); walk(v, fn, [...path, k]); }
}

// A class × class matrix shaded on the scale [lo, hi] shared by every matrix of its kind.
function matrixTable(m, names, { title, lo, hi }) {
  return h('div.matrix-box', h('div.muted', title),
    h('table.matrix', h('caption.sr-only', title), h('tr', h('th', { scope: 'col' }, 'class'), m[0].map((_, j) => h('th', { scope: 'col' }, names[j] ?? j))),
      m.map((row, i) => h('tr', h('th', { scope: 'row' }, names[i] ?? i), row.map((v) =>
        h('td', { style: shade(v, lo, hi) }, isNum(v) ? fmt(v, 2) : '–'))))));
}

function findLayers(sig) {
  if (Array.isArray(sig.layers) && sig.layers.every((l) => l && typeof l === 'object')) return sig.layers;
  for (const v of Object.values(sig))
    if (v && typeof v === 'object' && Array.isArray(v.layers) && v.layers.every((l) => l && typeof l === 'object' && 'name' in l)) return v.layers;
  return [];
}

function classNames(sig) {
  return sig.class_names || sig.signatures?.class_names || sig.classes || [];
}

export function renderSignatures(sig) {
  const names = classNames(sig).map(String);
  const k = names.length;
  const layers = findLayers(sig);
  const parts = [];
  if (sig.report) parts.push(h('pre.report', sig.report));

  // Curves over the layers: every per-layer number found at the same path.
  const series = new Map();
  layers.forEach((l, i) => walk(l, (v, path) => {
    if (!isNum(v) || path.includes('shape')) return;
    const key = path.join('.');
    if (!series.has(key)) series.set(key, Array(layers.length).fill(null));
    series.get(key)[i] = v;
  }));
  const interesting = [...series.entries()].filter(([key, ys]) => ys.filter(isNum).length >= 2 &&
    /separab|accuracy|fisher|auroc|auc|distance|silhouette|novelty|coverage|dead/i.test(key)).slice(0, 8);
  if (interesting.length) {
    const xs = layers.map((_, i) => i);
    const chart = lineChart({ title: 'per layer', xLabel: 'layer', series: interesting.map(([key]) => ({ label: key, points: true })), width: 620 });
    chart.setData(xs, interesting.map(([, ys]) => ys));
    parts.push(h('h2', 'Per layer'), chart.el,
      h('div.muted', 'layers: ', layers.map((l, i) => l.name || `layer ${i + 1}`).join(' · ')));
  }

  // Divergence layers: where two classes become separable.
  walk(sig, (v, path) => {
    if (!/divergen/i.test(path[path.length - 1] || '') || !Array.isArray(v) || !v.length || typeof v[0] !== 'object') return;
    parts.push(h('h2', 'Divergence layer per class pair'), scrollTable(h('tr', Object.keys(v[0]).map((c) => h('th', { scope: 'col' }, c))),
      v.slice(0, 60).map((row) => h('tr', Object.values(row).map((x) => h('td' + (x === row.layer || x === row.layer_name ? '.divergence' : ''),
        typeof x === 'object' ? JSON.stringify(x) : isNum(x) ? fmt(x, 3) : String(x)))))));
  });

  // Class×class matrices per layer.
  const matrices = [];
  layers.forEach((l, i) => walk(l, (v, path) => {
    if (k > 1 && isSquare(v, k)) matrices.push({ layer: i, name: l.name, key: path.join('.'), m: v });
  }));
  if (matrices.length) {
    const keys = [...new Set(matrices.map((m) => m.key))];
    const select = h('select', { name: 'matrix', 'aria-label': 'matrix shown' }, keys.map((key) => h('option', { value: key }, key)));
    const box = h('div.matrices');
    const draw = () => {
      const shown = matrices.filter((m) => m.key === select.value);
      const kind = select.value.split('.').pop();
      const [lo, hi] = matrixRange(kind, shown.flatMap((m) => m.m.flat()));
      clear(box, colorBar(lo, hi, kind), shown.map((m) => matrixTable(m.m, names, { title: m.name || `layer ${m.layer + 1}`, lo, hi })));
    };
    select.addEventListener('change', draw);
    draw();
    parts.push(h('h2', 'Class × class, per layer ', select), box);
  }

  // Firing rates: class × neuron arrays, one heatmap per layer.
  const rates = [];
  layers.forEach((l, i) => walk(l, (v, path) => {
    const key = path.join('.');
    if (/fir|rate/i.test(key) && isMatrix(v) && v.length === k && v[0].length > 1 && !isSquare(v, k)) rates.push({ layer: i, name: l.name, key, m: v });
  }));
  if (rates.length) {
    parts.push(h('h2', 'Firing rate per class (rows) and neuron/channel (columns)'),
      h('div.rate-maps', rates.map((r) => {
        const cols = r.m[0].length;
        const c = mapCanvas(Float32Array.from(r.m.flat()), k, cols, { cmap: 'viridis', range: [0, 1] });
        c.style.width = Math.min(900, cols * 6) + 'px';
        c.style.height = k * 14 + 'px';
        c.classList.add('rates');
        return h('div', h('div.muted', `${r.name || `layer ${r.layer + 1}`} (${r.key})`), c);
      })));
  }

  // The unseen classes: whatever the study recorded about them.
  const unseen = sig.unseen || sig.unseen_classes || sig.unseen_groups;
  if (unseen) parts.push(h('h2', 'Unseen classes'), renderUnseen(unseen, layers));
  if (!parts.length) parts.push(h('pre', JSON.stringify(sig, null, 1).slice(0, 20000)));
  parts.push(h('details', h('summary', 'signatures.json'), h('pre', JSON.stringify(sig, null, 1).slice(0, 50000))));
  return h('div.signatures', parts);
}

function renderUnseen(unseen, layers) {
  const groups = Array.isArray(unseen) ? unseen : unseen.groups || [unseen];
  return h('div', groups.map((g) => {
    const rows = [];
    const split = g.prediction_split || g.predictions || g.predicted;
    if (split && typeof split === 'object')
      rows.push(h('div', h('strong', 'predicted as: '), Object.entries(split).map(([c, v]) => `${c}: ${isNum(v) && v <= 1 ? pct(v) : fmt(v)}`).join(' · ')));
    const per = Array.isArray(g.layers) ? g.layers : [];
    const series = new Map();
    per.forEach((l, i) => walk(l, (v, path) => {
      if (!isNum(v)) return;
      const key = path.join('.');
      if (!/auroc|auc/i.test(key)) return;
      if (!series.has(key)) series.set(key, Array(per.length).fill(null));
      series.get(key)[i] = v;
    }));
    if (series.size) {
      const chart = lineChart({ title: 'novelty AUROC per layer (unseen vs held-out seen inputs)', xLabel: 'layer',
        series: [...series.keys()].map((key) => ({ label: key, points: true })), width: 620 });
      chart.setData(per.map((_, i) => i), [...series.values()]);
      rows.push(chart.el);
    }
    const nearest = per.map((l, i) => l.nearest_class ?? l.nearest ?? l.nearest_signature).filter((x) => x !== undefined);
    if (nearest.length)
      rows.push(scrollTable(h('tr', h('th', { scope: 'col' }, 'layer'), h('th', { scope: 'col' }, 'nearest class signature')),
        per.map((l, i) => h('tr', h('td', layers[i]?.name || l.name || `layer ${i + 1}`),
          h('td', typeof (l.nearest_class ?? l.nearest ?? l.nearest_signature) === 'object' ? JSON.stringify(l.nearest_class ?? l.nearest ?? l.nearest_signature) : String(l.nearest_class ?? l.nearest ?? l.nearest_signature))))));
    const outScores = g.output_scores;
    if (outScores) rows.push(h('div.muted', 'output baselines: ', Object.entries(outScores).map(([k2, v]) => `${k2} AUROC ${fmt(v?.auroc, 3)}`).join(' · ')));
    return h('div.unseen-group', h('h3', g.name ? `unseen: ${g.name}` : 'unseen'), rows.length ? rows : h('pre', JSON.stringify(g, null, 1).slice(0, 4000)));
  }));
}

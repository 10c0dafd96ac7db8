// Signatures: what the signature study (signatures.json) found — class×class similarity
// per layer, separability per layer with the divergence layer marked, firing-rate
// heatmaps, and the unseen-class view (prediction split, novelty AUROC per layer,
// nearest class signature per layer).
import { getJSON } from './api.js';
import { lineChart } from './charts.js';
import { clear, errorBox, fmt, h, pct } from './dom.js';
import { mapCanvas } from './draw.js';

// nearest_class holds, per learned class, how many unseen inputs are nearest to its
// signature: show it as shares ("1 37.9% · 3 62.1%").
function nearestSplit(counts, names) {
  if (!Array.isArray(counts)) return String(counts ?? '');
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((n, c) => `${names[c] ?? c} ${(100 * n / total).toFixed(1)}%`).join(' · ');
}

export async function signaturesView(root, runId) {
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
  clear(root, header, sig.format === 'glassbox-signatures/1' ? renderStudy(sig, runId) : renderSignatures(sig));
}

// A float32/float64/int32 .npy file as {shape, data}.
async function fetchNpy(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const buf = await res.arrayBuffer();
  const u8 = new Uint8Array(buf);
  const major = u8[6];
  const hlen = major >= 2 ? new DataView(buf).getUint32(8, true) : new DataView(buf).getUint16(8, true);
  const start = (major >= 2 ? 12 : 10) + hlen;
  const header = new TextDecoder().decode(u8.subarray(major >= 2 ? 12 : 10, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const body = buf.slice(start, start + n * (descr.endsWith('8') ? 8 : 4));
  const data = descr === '<f4' ? new Float32Array(body) : descr === '<f8' ? Float32Array.from(new Float64Array(body))
    : descr === '<i4' ? Float32Array.from(new Int32Array(body)) : null;
  if (!data) throw new Error(`${url}: unsupported dtype ${descr}`);
  return { shape, data };
}

// The signature study's own format (docs/signatures.md).
function renderStudy(sig, runId) {
  const names = sig.classes.map((c) => String(c.name));
  const layers = sig.layers;
  const xs = layers.map((l) => l.position);
  const layerLabel = (p) => `${p} ${layers[p]?.name ?? ''}`;
  const parts = [h('div.muted', `${sig.samples} training inputs (${sig.classes.map((c) => `${c.name}: ${c.count}`).join(', ')}), ` +
    `${sig.heldout?.count ?? '–'} held-out (model accuracy ${pct(sig.heldout?.model_accuracy)}); firing = activation > ${sig.options?.threshold}`)];

  // Separability per layer, the divergence layer of each pair marked.
  const probed = layers.some((l) => l.separability.probe_accuracy != null);
  const sep = lineChart({ title: `separability per layer (${probed ? 'linear probe' : 'nearest-centroid'} accuracy on held-out inputs)`, xLabel: 'layer',
    series: [{ label: 'all classes', points: true }, ...sig.divergence.pairs.slice(0, 6).map((d) => ({ label: `${d.a_name} vs ${d.b_name}`, points: true, dash: [4, 3] }))], width: 640 });
  sep.setData(xs, [layers.map((l) => l.separability.probe_accuracy ?? l.separability.nearest_centroid_accuracy), ...sig.divergence.pairs.slice(0, 6).map((d) => d.accuracy_per_layer)]);
  parts.push(h('h3', 'From which layer on do the classes differ?'), sep.el,
    h('table', h('tr', h('th', 'pair'), h('th', 'divergence layer'), h('th', 'accuracy there'), h('th', 'stays separable')),
      sig.divergence.pairs.map((d) => h('tr', h('td', `${d.a_name} vs ${d.b_name}`),
        h('td.divergence', d.layer ?? 'never'), h('td.num', pct(d.accuracy)), h('td', d.stays_separable ? 'yes' : 'no')))),
    h('div.muted', `divergence: the first layer where ${sig.divergence.criterion} reaches ${pct(sig.divergence.threshold)}`),
    h('div.muted', 'layers: ', layers.map((l) => layerLabel(l.position)).join(' · ')));

  // Class × class matrices, one per layer, metric selectable.
  const metrics = ['cosine', 'correlation', 'euclidean', 'hamming', 'jaccard', 'probe_pair_accuracy', 'pair_accuracy', 'pair_fisher'];
  const select = h('select', { name: 'matrix' }, metrics.map((m) => h('option', { value: m }, m.replaceAll('_', ' '))));
  const box = h('div.matrices');
  const drawMatrices = () => clear(box, layers.map((l) => {
    const m = l.similarity[select.value] ?? l.separability[select.value];
    const div = sig.divergence.pairs.some((d) => d.position === l.position);
    return m ? matrixTable(m, names, { title: layerLabel(l.position) + (div ? ' ◆ divergence' : '') }) : null;
  }));
  select.addEventListener('change', drawMatrices);
  drawMatrices();
  parts.push(h('h3', 'Class × class signatures per layer ', select), box);

  // Firing rates (class × neuron) from the .npy arrays.
  const rates = h('div.rate-maps');
  parts.push(h('h3', 'Firing rate per class (rows) and neuron or channel (columns)'), rates);
  Promise.all(layers.map(async (l) => {
    try {
      const a = await fetchNpy(`/api/runs/${encodeURIComponent(runId)}/files/${l.arrays.firing_rate}`);
      const [k, f] = a.shape;
      const c = mapCanvas(a.data, k, f, { cmap: 'viridis', range: [0, 1] });
      c.classList.add('rates');
      c.style.width = Math.min(900, Math.max(120, f * 6)) + 'px';
      c.style.height = k * 16 + 'px';
      return h('div.rate-row', h('div.muted', `${layerLabel(l.position)} · ${l.features} ${l.feature}s · dead ${l.selectivity.dead} · coverage ${pct(l.selectivity.coverage)}`),
        h('div.row', h('div.rate-names', names.map((n) => h('div', n))), c));
    } catch (e) {
      return h('div.muted', `${layerLabel(l.position)}: ${e.message}`);
    }
  })).then((rows) => clear(rates, rows));

  // Which neurons fire for which class: the strongest and most characteristic.
  parts.push(h('h3', 'Characteristic neurons per class'), h('table',
    h('tr', h('th', 'layer'), names.map((n) => h('th', n))),
    layers.map((l) => h('tr', h('td', layerLabel(l.position)), l.classes.map((c) => h('td',
      c.characteristic.slice(0, 4).map((r) => `#${r.neuron} (${pct(r.firing_rate)})`).join(', ')))))));

  // The unseen classes.
  for (const g of sig.unseen || []) {
    const total = g.predicted.reduce((a, b) => a + b, 0) || 1;
    const methods = Object.keys(g.layers[0]?.scores || {});
    const au = lineChart({ title: `novelty AUROC per layer: ${g.name} vs held-out ${names.join('/')}`, xLabel: 'layer',
      series: [...methods.map((m) => ({ label: m, points: true })), ...Object.keys(g.output_scores).map((m) => ({ label: m + ' (output)', dash: [6, 4] }))], width: 640 });
    au.setData(g.layers.map((l) => l.position), [...methods.map((m) => g.layers.map((l) => l.scores[m]?.auroc ?? null)),
      ...Object.values(g.output_scores).map((s) => g.layers.map(() => s.auroc))]);
    parts.push(h('h3', `Unseen: ${g.name} (${g.count} inputs)`),
      h('div.unseen-split', h('strong', 'predicted as: '), g.predicted.map((n, c) =>
        h('span.split', `${names[c] ?? c}: ${n} (${pct(n / total)})`))),
      au.el,
      h('table', h('tr', h('th', 'layer'), h('th', 'nearest class signature'), h('th', 'distance unseen (median)'), h('th', 'seen (median)'),
        methods.map((m) => h('th', m + ' AUROC'))),
        g.layers.map((l) => h('tr', h('td', l.layer), h('td', nearestSplit(l.nearest_class, names)),
          h('td.num', fmt(l.unseen_distance.median, 3)), h('td.num', fmt(l.seen_distance.median, 3)),
          methods.map((m) => h('td.num', fmt(l.scores[m]?.auroc, 3)))))),
      h('div.muted', `best signature score: ${g.best_signature_score.method} at ${g.best_signature_score.layer}, AUROC ${fmt(g.best_signature_score.auroc, 3)}; ` +
        Object.entries(g.output_scores).map(([m, s]) => `${m} AUROC ${fmt(s.auroc, 3)}`).join(', ')));
  }
  parts.push(h('details', h('summary', 'signatures.json'), h('pre', JSON.stringify(sig, null, 1).slice(0, 50000))));
  return h('div.signatures', parts);
}

// signatures.json is read by shape, not by a fixed schema, so the view keeps working as
// the analyses grow: per-layer objects are scanned for class×class matrices
// (similarities, separability), per-layer numbers (separability, novelty AUROC) become
// curves over the layers, class×neuron arrays become firing-rate heatmaps, and the
// divergence and unseen-class sections are shown where they are found.
const isNum = (v) => typeof v === 'number' && isFinite(v);
const isMatrix = (v) => Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length && r.every((x) => isNum(x) || x === null));
const isSquare = (m, n) => isMatrix(m) && m.length === n && m.every((r) => r.length === n);

function walk(obj, fn, path = []) {
  if (obj && typeof obj === 'object' && !Array.isArray(obj))
    for (const [k, v] of Object.entries(obj)) { fn(v, [...path, k]); walk(v, fn, [...path, k]); }
}

function matrixTable(m, names, { title, lo = null, hi = null } = {}) {
  const flat = m.flat().filter(isNum);
  const a = lo ?? Math.min(...flat), b = hi ?? Math.max(...flat);
  return h('div.matrix-box', h('div.muted', title),
    h('table.matrix', h('tr', h('th', ''), m[0].map((_, j) => h('th', names[j] ?? j))),
      m.map((row, i) => h('tr', h('th', names[i] ?? i), row.map((v) => {
        const t = isNum(v) && b > a ? (v - a) / (b - a) : 0;
        return h('td', { style: { background: `rgba(37, 99, 235, ${(0.05 + 0.7 * t).toFixed(3)})`, color: t > 0.6 ? '#fff' : '' } }, isNum(v) ? fmt(v, 2) : '–');
      })))));
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
    parts.push(h('h3', 'Per layer'), chart.el,
      h('div.muted', 'layers: ', layers.map((l, i) => `${i} ${l.name || ''}`).join(' · ')));
  }

  // Divergence layers: where two classes become separable.
  walk(sig, (v, path) => {
    if (!/divergen/i.test(path[path.length - 1] || '') || !Array.isArray(v) || !v.length || typeof v[0] !== 'object') return;
    parts.push(h('h3', 'Divergence layer per class pair'), h('table', h('tr', Object.keys(v[0]).map((c) => h('th', c))),
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
    const select = h('select', { name: 'matrix' }, keys.map((key) => h('option', { value: key }, key)));
    const box = h('div.matrices');
    const draw = () => clear(box, matrices.filter((m) => m.key === select.value).map((m) =>
      matrixTable(m.m, names, { title: `${m.layer} · ${m.name}` })));
    select.addEventListener('change', draw);
    draw();
    parts.push(h('h3', 'Class × class, per layer ', select), box);
  }

  // Firing rates: class × neuron arrays, one heatmap per layer.
  const rates = [];
  layers.forEach((l, i) => walk(l, (v, path) => {
    const key = path.join('.');
    if (/fir|rate/i.test(key) && isMatrix(v) && v.length === k && v[0].length > 1 && !isSquare(v, k)) rates.push({ layer: i, name: l.name, key, m: v });
  }));
  if (rates.length) {
    parts.push(h('h3', 'Firing rate per class (rows) and neuron/channel (columns)'),
      h('div.rate-maps', rates.map((r) => {
        const cols = r.m[0].length;
        const c = mapCanvas(Float32Array.from(r.m.flat()), k, cols, { cmap: 'viridis', range: [0, 1] });
        c.style.width = Math.min(900, cols * 6) + 'px';
        c.style.height = k * 14 + 'px';
        c.classList.add('rates');
        return h('div', h('div.muted', `${r.layer} · ${r.name} (${r.key})`), c);
      })));
  }

  // The unseen classes: whatever the study recorded about them.
  const unseen = sig.unseen || sig.unseen_classes || sig.unseen_groups;
  if (unseen) parts.push(h('h3', 'Unseen classes'), renderUnseen(unseen, layers));
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
      rows.push(h('table', h('tr', h('th', 'layer'), h('th', 'nearest class signature')),
        per.map((l, i) => h('tr', h('td', `${i} ${layers[i]?.name || l.name || ''}`),
          h('td', typeof (l.nearest_class ?? l.nearest ?? l.nearest_signature) === 'object' ? JSON.stringify(l.nearest_class ?? l.nearest ?? l.nearest_signature) : String(l.nearest_class ?? l.nearest ?? l.nearest_signature))))));
    const outScores = g.output_scores;
    if (outScores) rows.push(h('div.muted', 'output baselines: ', Object.entries(outScores).map(([k2, v]) => `${k2} AUROC ${fmt(v?.auroc, 3)}`).join(' · ')));
    return h('div.unseen-group', h('h4', g.name ? `unseen: ${g.name}` : 'unseen'), rows.length ? rows : h('pre', JSON.stringify(g, null, 1).slice(0, 4000)));
  }));
}

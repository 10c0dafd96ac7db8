// The comparison of two or more runs (#/compare?ids=a,b): their curves overlaid, the
// settings side by side with the rows that differ marked, epochs run against planned,
// and, for runs with a signature study, its results side by side (divergence layer,
// separability at the output, how the unseen class was classified, the best novelty
// score) with the separability and novelty curves of all of them overlaid.
import { getJSON } from './api.js';
import { lineChart, palette } from './charts.js';
import { clear, fmt, h, pct } from './dom.js';
import { epochsCell } from './runs_view.js';
import { setTitle } from './view_state.js';

async function loadRun(id) {
  try {
    const r = await getJSON('/api/runs/' + encodeURIComponent(id));
    if (r.signatures?.too_large) r.signatures = await getJSON(`/api/runs/${encodeURIComponent(id)}/files/signatures.json`);
    if (r.signatures?.format !== 'glassbox-signatures/1') r.signatures = null;
    return r;
  } catch (e) {
    return { id, error: e.message };
  }
}

function curveCharts(runs) {
  return ['loss', 'val_loss', 'accuracy', 'val_accuracy'].map((key) => {
    const c = lineChart({ title: key.replace('_', ' '), yLabel: key.replace('_', ' '), logToggle: /loss/.test(key),
      series: runs.map((r, i) => ({ label: r.id, color: palette[i % palette.length], points: true })) });
    const epochsOf = (r) => r.metrics?.epochs || r.job?.epochs || [];
    const xs = [...new Set(runs.flatMap((r) => epochsOf(r).map((e) => e.epoch)))].sort((a, b) => a - b);
    c.setData(xs, runs.map((r) => {
      const byEpoch = new Map(epochsOf(r).map((e) => [e.epoch, e[key]]));
      return xs.map((x) => byEpoch.get(x) ?? null);
    }));
    return c.el;
  });
}

const layerList = (r) => (r.config?.model?.layers || []).map((l) => l.type + (l.units ? `(${l.units})` : l.filters ? `(${l.filters})` : '')).join(' → ');
const optimizerText = (o) => (typeof o === 'string' ? o : o ? `${o.type} ${o.learning_rate ?? ''}`.trim() : '');

const settingRows = [
  ['state', (r) => r.state],
  ['dataset', (r) => r.config?.data?.dataset],
  ['classes', (r) => r.config?.data?.classes?.join(', ') ?? 'all'],
  ['unseen classes', (r) => r.config?.data?.unseen_classes?.join(', ') ?? (r.config?.data?.classes ? 'the others' : 'none')],
  ['validation split', (r) => r.config?.data?.validation_split ?? 0],
  ['layers', layerList],
  ['optimizer', (r) => optimizerText(r.config?.train?.optimizer)],
  ['epochs', (r) => epochsCell(r.job?.epochs?.length ?? r.metrics?.epochs?.length, r.config?.train?.epochs, r.state)],
  ['batch size', (r) => r.config?.train?.batch_size],
  ['seed', (r) => r.config?.seed],
];

const resultRows = [
  ['test accuracy', (r) => pct(r.metrics?.test_accuracy)],
  ['test loss', (r) => fmt(r.metrics?.test_loss)],
  ['train time', (r) => { const e = r.metrics?.epochs; return e ? fmt(e.reduce((s, x) => s + (x.seconds || 0), 0), 3) + ' s' : '–'; }],
];

const noStudy = 'no signature study';
const studyRows = [
  ['divergence layer', (r) => r.signatures ? r.signatures.divergence.pairs.map((d) => `${d.a_name} vs ${d.b_name}: ${d.layer ?? 'never'}`).join('; ') : noStudy],
  ['separability at the output', (r) => {
    const l = r.signatures?.layers.at(-1);
    return l ? `${pct(l.separability.probe_accuracy ?? l.separability.nearest_centroid_accuracy)} (${l.name})` : noStudy;
  }],
  ['unseen class predicted as', (r) => r.signatures ? (r.signatures.unseen || []).map((g) => {
    const total = g.predicted.reduce((a, b) => a + b, 0) || 1;
    return `${g.name} → ` + g.predicted.map((n, c) => `${r.signatures.classes[c]?.name ?? c}: ${pct(n / total)}`).join(', ');
  }).join('; ') || 'no unseen class' : noStudy],
  ['best novelty score', (r) => r.signatures ? (r.signatures.unseen || []).map((g) => `${g.name}: ${g.best_signature_score.method} at ` +
    `${g.best_signature_score.layer}, AUROC ${fmt(g.best_signature_score.auroc, 3)}`).join('; ') || 'no unseen class' : noStudy],
  ['max-softmax AUROC', (r) => r.signatures ? (r.signatures.unseen || []).map((g) => `${g.name}: ${fmt(g.output_scores.max_softmax?.auroc, 3)}`).join('; ') || '–' : noStudy],
];

// Rows of [label, value per run]; a row whose values are not all equal is marked.
function rowsOf(defs, runs) {
  return defs.map(([label, f]) => {
    const values = runs.map((r) => (r.error ? r.error : String(f(r) ?? '–')));
    const differs = new Set(values).size > 1;
    return h('tr' + (differs ? '.differs' : ''), { dataset: { label } }, h('th', { scope: 'row' }, label, differs ? h('span.diff-mark', ' ≠ differs') : null),
      values.map((v) => h('td', v)));
  });
}

// Separability and centroid novelty per layer, one series per run (positions: 0 = input).
function studyCharts(runs) {
  const studied = runs.map((r, i) => ({ r, i })).filter(({ r }) => r.signatures);
  if (!studied.length) return [];
  const xs = [...new Set(studied.flatMap(({ r }) => r.signatures.layers.map((l) => l.position)))].sort((a, b) => a - b);
  const names = (p) => [...new Set(studied.map(({ r }) => r.signatures.layers.find((l) => l.position === p)?.name).filter(Boolean))].join('/');
  const series = studied.map(({ r, i }) => ({ label: r.id, color: palette[i % palette.length], points: true }));
  const at = (layers, p, f) => { const l = layers.find((x) => x.position === p); return l ? f(l) ?? null : null; };
  const sep = lineChart({ title: 'separability per layer (held-out accuracy)', xLabel: 'layer', xNames: names, yLabel: 'accuracy', series, width: 640 });
  sep.setData(xs, studied.map(({ r }) => xs.map((p) => at(r.signatures.layers, p, (l) => l.separability.probe_accuracy ?? l.separability.nearest_centroid_accuracy))));
  const nov = lineChart({ title: 'novelty AUROC per layer (centroid distance, first unseen class)', xLabel: 'layer', xNames: names, yLabel: 'AUROC',
    series: [...series, { label: 'chance (0.5)', color: '#64748b', dash: [2, 4], width: 1 }], width: 640 });
  nov.setData(xs, [...studied.map(({ r }) => xs.map((p) => at(r.signatures.unseen?.[0]?.layers || [], p, (l) => l.scores.centroid?.auroc))), xs.map(() => 0.5)]);
  return [sep.el, nov.el];
}

export async function compareView(root, params) {
  const ids = (params.get('ids') || '').split(',').filter(Boolean);
  const runs = await Promise.all(ids.map(loadRun));
  setTitle('compare', ids.join(', '));
  const head = h('thead', h('tr', h('th', { scope: 'col' }, 'setting'), runs.map((r, i) => h('th', { scope: 'col' },
    h('span.swatch', { style: { background: palette[i % palette.length] }, 'aria-hidden': 'true' }),
    h('a', { href: '#/run/' + encodeURIComponent(r.id) }, r.id)))));
  const section = (title, defs) => [h('tr.section', h('th', { scope: 'rowgroup', colSpan: runs.length + 1 }, title)), rowsOf(defs, runs)];
  const anyStudy = runs.some((r) => r.signatures);
  clear(root, h('h1', 'Compare runs'),
    h('div.charts', curveCharts(runs)),
    h('div.table-scroll', h('table.compare', head,
      h('tbody', section('settings', settingRows), section('results', resultRows), anyStudy ? section('signature study', studyRows) : null))),
    h('div.muted', 'Rows marked ≠ differ between the runs.'),
    anyStudy ? [h('h2', 'Signature studies'), h('div.charts', studyCharts(runs))] : null);
}

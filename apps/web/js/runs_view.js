// The runs folder: a table of runs (state, data, accuracy), and a comparison of two or
// more with their curves overlaid and their figures side by side.
import { getJSON, onEvent } from './api.js';
import { lineChart, palette } from './charts.js';
import { clear, errorBox, fmt, h, pct } from './dom.js';

// "14 of 30 (cancelled)": the epochs a run trained against the ones it planned.
export function epochsCell(run, planned, state) {
  if (run === undefined || run === null) return planned === undefined || planned === null ? '–' : `${planned} planned`;
  if (planned === undefined || planned === null || run === planned) return String(run);
  return `${run} of ${planned}` + (state === 'cancelled' ? ' (cancelled)' : state === 'running' ? ' (running)' : '');
}

function when(t) {
  return t ? new Date(t * 1000).toLocaleString() : '–';
}

export async function runsView(root, cleanup) {
  const table = h('tbody');
  const compare = h('button.primary', { id: 'compare-button', disabled: true }, 'Compare selected');
  const selected = new Set();
  compare.addEventListener('click', () => { location.hash = '#/compare?ids=' + [...selected].map(encodeURIComponent).join(','); });

  async function load() {
    let data;
    try { data = await getJSON('/api/runs'); } catch (e) { clear(table, h('tr', h('td', { colSpan: 8 }, errorBox(e)))); return; }
    clear(table, data.runs.length ? data.runs.map((r) => {
      const box = h('input', { type: 'checkbox', checked: selected.has(r.id), 'aria-label': 'select ' + r.id });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(r.id); else selected.delete(r.id);
        compare.disabled = selected.size < 2;
      });
      return h('tr', h('td', box),
        h('td', h('a', { href: '#/run/' + encodeURIComponent(r.id) }, r.id)),
        h('td', h('span.state.' + r.state, r.state)),
        h('td', r.dataset || ''), h('td', r.classes ? r.classes.join(', ') : 'all'),
        h('td.num', epochsCell(r.epochs, r.epochs_planned, r.state)), h('td.num', pct(r.test_accuracy)), h('td', when(r.created)),
        h('td', r.has_model ? [h('a', { href: '#/inside/' + encodeURIComponent(r.id) }, 'inside'), ' · ',
          h('a', { href: '#/relevance/' + encodeURIComponent(r.id) }, 'relevance'), ' · ',
          h('a', { href: '#/signatures/' + encodeURIComponent(r.id) }, 'signatures')] : ''));
    }) : h('tr', h('td', { colSpan: 9 }, 'No runs yet. ', h('a', { href: '#/build' }, 'Build one.'))));
    root.querySelector('.runs-dir').textContent = data.runs_dir;
  }

  clear(root, h('h1', 'Runs'), h('div.muted', 'in ', h('code.runs-dir', '')),
    h('div.table-scroll', h('table.runs', h('thead', h('tr', ['select', 'run', 'state', 'dataset', 'classes', 'epochs', 'test accuracy', 'created', 'look'].map((t) => h('th', { scope: 'col' }, t)))), table)),
    h('div.row', compare));
  await load();
  cleanup.push(onEvent('job', () => load()));
}

export async function compareView(root, params) {
  const ids = (params.get('ids') || '').split(',').filter(Boolean);
  const runs = [];
  for (const id of ids) {
    try { runs.push(await getJSON('/api/runs/' + encodeURIComponent(id))); }
    catch (e) { runs.push({ id, error: e.message }); }
  }
  const charts = {};
  for (const key of ['loss', 'val_loss', 'accuracy', 'val_accuracy']) {
    const c = lineChart({ title: key.replace('_', ' '), yLabel: key, series: runs.map((r, i) => ({ label: r.id, color: palette[i % palette.length], points: true })) });
    const xs = [...new Set(runs.flatMap((r) => (r.metrics?.epochs || r.job?.epochs || []).map((e) => e.epoch)))].sort((a, b) => a - b);
    c.setData(xs, runs.map((r) => {
      const byEpoch = new Map((r.metrics?.epochs || r.job?.epochs || []).map((e) => [e.epoch, e[key]]));
      return xs.map((x) => byEpoch.get(x) ?? null);
    }));
    charts[key] = c;
  }
  const rows = [
    ['state', (r) => r.state],
    ['dataset', (r) => r.config?.data?.dataset],
    ['classes', (r) => r.config?.data?.classes?.join(', ') ?? 'all'],
    ['layers', (r) => (r.config?.model?.layers || []).map((l) => l.type + (l.units ? `(${l.units})` : l.filters ? `(${l.filters})` : '')).join(' → ')],
    ['optimizer', (r) => { const o = r.config?.train?.optimizer; return typeof o === 'string' ? o : o ? `${o.type} ${o.learning_rate ?? ''}` : ''; }],
    ['epochs', (r) => epochsCell(r.job?.epochs?.length ?? r.metrics?.epochs?.length, r.config?.train?.epochs, r.state)],
    ['batch size', (r) => r.config?.train?.batch_size],
    ['seed', (r) => r.config?.seed],
    ['test accuracy', (r) => pct(r.metrics?.test_accuracy)],
    ['test loss', (r) => fmt(r.metrics?.test_loss)],
    ['train time', (r) => { const e = r.metrics?.epochs; return e ? fmt(e.reduce((s, x) => s + (x.seconds || 0), 0), 3) + ' s' : '–'; }],
  ];
  clear(root, h('h1', 'Compare runs'),
    h('div.charts', Object.values(charts).map((c) => c.el)),
    h('div.table-scroll', h('table.compare', h('thead', h('tr', h('th', { scope: 'col' }, 'setting'), runs.map((r, i) => h('th', { scope: 'col' },
      h('span.swatch', { style: { background: palette[i % palette.length] }, 'aria-hidden': 'true' }),
      h('a', { href: '#/run/' + encodeURIComponent(r.id) }, r.id))))),
    h('tbody', rows.map(([label, f]) => h('tr', h('th', { scope: 'row' }, label), runs.map((r) => h('td', r.error ? r.error : f(r) ?? '–'))))))));
}

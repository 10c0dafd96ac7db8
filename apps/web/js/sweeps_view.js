// The sweeps of the runs folder (GET /api/sweeps, written by `glassbox sweep`): per sweep
// a table with one column per grid key and the figures of each run, the best run marked,
// each run linked to its page, and a link that compares the sweep's finished runs.
import { getJSON } from './api.js';
import { errorBox, fmt, h, pct } from './dom.js';

const runHref = (id) => '#/run/' + encodeURIComponent(id);

// A grid value as the command line would give it: strings bare, the rest as JSON.
const gridValue = (v) => (v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));

function sweepRow(run, keys, best) {
  const name = run.id ? h('a', { href: runHref(run.id) }, run.run) : h('span', { title: 'no folder of this run here' }, run.run);
  const status = h('span.state.' + (run.status === 'ok' ? 'done' : run.status === 'pending' ? 'queued' : 'failed'),
    { title: run.error || '' }, run.status);
  return h('tr', { dataset: { run: run.run }, class: run.run === best ? 'best' : null },
    h('td', name, run.run === best ? h('span.best-mark', ' best') : null),
    keys.map((k) => h('td.num', gridValue((run.assignments || {})[k]))),
    h('td', status), h('td.num', pct(run.test_accuracy)), h('td.num', fmt(run.test_loss)),
    h('td.num', fmt(run.epochs)), h('td.num', run.seconds_total == null ? '–' : run.seconds_total.toFixed(1) + ' s'));
}

function sweepTable(sweep) {
  if (sweep.error) return h('section.sweep', h('h3', sweep.id || 'this folder'), errorBox(sweep.error));
  const keys = (sweep.grid || []).map((a) => a.key);
  const runs = sweep.runs || [];
  const finished = runs.filter((r) => r.id && r.status === 'ok').map((r) => r.id);
  const ended = runs.filter((r) => r.status !== 'pending').length;
  const compare = finished.length >= 2
    ? h('a.button', { href: '#/compare?ids=' + finished.map(encodeURIComponent).join(',') }, `Compare its ${finished.length} finished runs`)
    : null;
  return h('section.sweep', { dataset: { sweep: sweep.id } },
    h('h3', `Sweep ${sweep.name || ''} `, h('span.muted', sweep.id ? `(${sweep.id})` : '(this folder)')),
    h('div.muted', `${sweep.experiment || ''}: ${runs.length} runs over ${keys.join(' × ') || 'no grid'}, ${ended} ended`,
      sweep.best ? `; best ${sweep.best}` : ''),
    h('div.table-scroll', h('table.sweep-table',
      h('thead', h('tr', ['run', ...keys, 'status', 'test accuracy', 'test loss', 'epochs', 'time'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', runs.map((r) => sweepRow(r, keys, sweep.best))))),
    h('div.row', compare));
}

// Fills `box` with the sweeps, or leaves it empty when there are none.
export async function renderSweeps(box) {
  let data;
  try { data = await getJSON('/api/sweeps'); } catch (e) { box.replaceChildren(errorBox(e)); return; }
  const sweeps = data.sweeps || [];
  box.replaceChildren(...(sweeps.length ? [h('h2', 'Sweeps'), ...sweeps.map(sweepTable)] : []));
}

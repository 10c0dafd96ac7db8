// The runs folder: a table of runs (state, data, accuracy), filterable (the filter is in
// the URL, ?q=...), each deletable after a confirmation in the page; the comparison of two
// or more (compare_view.js); and the folder's sweeps with their runs (sweeps_view.js).
import { deleteJSON, getJSON, onEvent } from './api.js';
import { clear, errorBox, h, pct } from './dom.js';
import { renderSweeps } from './sweeps_view.js';
import { setQuery } from './view_state.js';

export { compareView } from './compare_view.js';

// "14 of 30 (cancelled)": the epochs a run trained against the ones it planned.
export function epochsCell(run, planned, state) {
  if (run === undefined || run === null) return planned === undefined || planned === null ? '–' : `${planned} planned`;
  if (planned === undefined || planned === null || run === planned) return String(run);
  return `${run} of ${planned}` + (state === 'cancelled' ? ' (cancelled)' : state === 'running' ? ' (running)' : '');
}

function when(t) {
  return t ? new Date(t * 1000).toLocaleString() : '–';
}

// What the filter matches: the run's ID, name, state, dataset and classes.
const searchText = (r) => [r.id, r.name, r.state, r.dataset, (r.classes || []).join(' ')].join(' ').toLowerCase();

// A Delete button that asks in the page ("Delete X and its files?") before it deletes.
function deleteCell(r, ondeleted) {
  const cell = h('td.delete-cell');
  const ask = () => clear(cell, h('span', `Delete ${r.id} and its files? `),
    h('button', { type: 'button', 'data-focus': `confirm-delete-${r.id}`, onclick: remove }, 'Delete'), ' ',
    h('button', { type: 'button', onclick: idle }, 'Keep'));
  const idle = () => clear(cell, h('button.icon', { type: 'button', 'aria-label': `delete ${r.id}`, title: 'delete this run', onclick: () => {
    ask();
    cell.querySelector('button').focus();
  } }, '🗑'));
  async function remove() {
    try {
      await deleteJSON('/api/runs/' + encodeURIComponent(r.id));
      ondeleted(r.id);
    } catch (e) {
      clear(cell, h('span.bad-text', e.message), ' ', h('button', { type: 'button', onclick: idle }, 'OK'));
    }
  }
  idle();
  return cell;
}

function runRow(r, selected, onselect, ondeleted) {
  const box = h('input', { type: 'checkbox', checked: selected.has(r.id), 'aria-label': 'select ' + r.id });
  box.addEventListener('change', () => onselect(r.id, box.checked));
  return h('tr', { dataset: { id: r.id, search: searchText(r) } }, h('td', box),
    h('td', h('a', { href: '#/run/' + encodeURIComponent(r.id) }, r.id)),
    h('td', h('span.state.' + r.state, r.state)),
    h('td', r.dataset || ''), h('td', r.classes ? r.classes.join(', ') : 'all'),
    h('td.num', epochsCell(r.epochs, r.epochs_planned, r.state)), h('td.num', pct(r.test_accuracy)), h('td', when(r.created)),
    h('td', r.has_model ? [h('a', { href: '#/inside/' + encodeURIComponent(r.id) }, 'inside'), ' · ',
      h('a', { href: '#/relevance/' + encodeURIComponent(r.id) }, 'relevance'), ' · ',
      h('a', { href: '#/signatures/' + encodeURIComponent(r.id) }, 'signatures')] : ''),
    ['queued', 'running'].includes(r.state) ? h('td') : deleteCell(r, ondeleted));
}

export async function runsView(root, cleanup, params = new URLSearchParams()) {
  const table = h('tbody');
  const compare = h('button.primary', { id: 'compare-button', disabled: true }, 'Compare selected');
  const filter = h('input', { type: 'search', name: 'filter', value: params.get('q') || '', placeholder: 'name, dataset, state…' });
  const shown = h('span#runs-shown.muted', { role: 'status' });
  const selected = new Set();
  compare.addEventListener('click', () => { location.hash = '#/compare?ids=' + [...selected].map(encodeURIComponent).join(','); });
  const onselect = (id, on) => { if (on) selected.add(id); else selected.delete(id); compare.disabled = selected.size < 2; };
  const ondeleted = (id) => { selected.delete(id); compare.disabled = selected.size < 2; load(); };
  const applyFilter = () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = [...table.querySelectorAll('tr[data-id]')];
    for (const tr of rows) tr.hidden = !words.every((w) => tr.dataset.search.includes(w));
    shown.textContent = words.length ? `${rows.filter((tr) => !tr.hidden).length} of ${rows.length} runs shown` : '';
  };
  filter.addEventListener('input', () => { setQuery({ q: filter.value.trim() }); applyFilter(); });

  const sweeps = h('div#sweeps');
  async function load() {
    renderSweeps(sweeps);
    let data;
    try { data = await getJSON('/api/runs'); } catch (e) { clear(table, h('tr', h('td', { colSpan: 10 }, errorBox(e)))); return; }
    clear(table, data.runs.length ? data.runs.map((r) => runRow(r, selected, onselect, ondeleted))
      : h('tr', h('td', { colSpan: 10 }, 'No runs yet. ', h('a', { href: '#/build' }, 'Build one.'))));
    root.querySelector('.runs-dir').textContent = data.runs_dir;
    applyFilter();
  }

  clear(root, h('h1', 'Runs'), h('div.muted', 'in ', h('code.runs-dir', '')),
    h('div.row', h('label.field', h('span', 'filter'), filter), shown),
    h('div.table-scroll', h('table.runs', h('thead', h('tr', ['select', 'run', 'state', 'dataset', 'classes', 'epochs', 'test accuracy', 'created', 'look', 'delete'].map((t) => h('th', { scope: 'col' }, t)))), table)),
    h('div.row', compare), sweeps);
  await load();
  cleanup.push(onEvent('job', () => load()));
}

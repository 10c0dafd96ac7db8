// One run: live loss and accuracy curves over Server-Sent Events, progress with ETA,
// cancel; when finished, the test metrics and the confusion matrix.
//
// The page listens before it asks: the event listeners are registered before the run's
// detail is fetched, and every job state event (and every reconnect of the stream) makes
// it fetch the detail again, so a final event that comes while the page loads is not lost
// and a queued run's settings appear once the server has them.
import { getJSON, onEvent, postJSON } from './api.js';
import { lineChart } from './charts.js';
import { clear, duration, errorBox, fmt, h, pct } from './dom.js';
import { encodeConfig } from './builder.js';
import { confusionTable } from './confusion.js';


// Merges running batch points and per-epoch points into uPlot's aligned columns.
function columns(batches, epochs, key) {
  const rows = [];
  for (const b of batches) rows.push([b.x, b[key], null, null]);
  for (const e of epochs) rows.push([e.epoch, null, e[key], e['val_' + key]]);
  rows.sort((a, b) => a[0] - b[0]);
  return [rows.map((r) => r[0]), [rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])]];
}

// "mnist-digits classes 1, 3 · 4 layers · 30 epochs · batch 64 · adam", or a note while
// the server does not have the settings.
export function settingsLine(c) {
  if (!c || typeof c !== 'object' || c.error) return 'settings not available yet';
  if (!c.train && /^imported from /.test(c.description || ''))  // glassbox import --run: no training here
    return `${c.data?.dataset || ''} · ${c.model?.layers?.length ?? 0} layers · ${c.description}`;
  const o = c.train?.optimizer;
  return `${c.data?.dataset || ''} ${c.data?.classes ? 'classes ' + c.data.classes.join(', ') : 'all classes'} · ` +
    `${c.model?.layers?.length ?? 0} layers · ${c.train?.epochs ?? 5} epochs · batch ${c.train?.batch_size ?? 32}` +
    (o ? ` · ${typeof o === 'string' ? o : o.type}` : '');
}

// Epochs trained and planned: from the live job, else from metrics.json and the config.
export function epochsOf(d) {
  const run = d.job?.epochs?.length ?? d.metrics?.epochs?.length ?? d.epochs ?? 0;
  const planned = d.job?.epochs_planned ?? d.config?.train?.epochs ?? d.epochs_planned ?? null;
  return { run, planned };
}

function stoppedNote(d) {
  const { run, planned } = epochsOf(d);
  if (d.state === 'cancelled' || d.metrics?.cancelled)
    return `Cancelled after epoch ${run} of ${planned ?? '?'}: the figures below are of the model as it was then.`;
  if (d.metrics?.stopped_early) return `Stopped early after epoch ${run} of ${planned ?? '?'}: ${d.metrics.stop_reason || ''}`;
  return null;
}

function resultsPart(id, d) {
  const m = d.metrics;
  if (!m || m.error || m.test_accuracy === undefined) return [];
  const names = m.class_names || d.config?.data?.classes?.map(String);
  const oneClass = (m.class_names?.length ?? m.confusion_matrix?.length ?? 2) < 2;
  const note = stoppedNote(d);
  return [
    note ? h('div.warn#stopped-note', note) : null,
    oneClass ? h('div.warn#one-class-note', 'This model was trained on one class only: it predicts that class ' +
      'for every input, so its 100% test accuracy says nothing. A classifier needs at least two classes.') : null,
    h('div.metrics', h('div.metric', h('span', 'test accuracy'), h('strong#test-accuracy', pct(m.test_accuracy))),
      h('div.metric', h('span', 'test loss'), h('strong', fmt(m.test_loss)))),
    confusionTable(m.confusion_matrix, names),
    h('div.row', d.has_model !== false ? [
      h('a.button', { href: `#/inside/${encodeURIComponent(id)}` }, 'Look inside →'),
      h('a.button', { href: `#/relevance/${encodeURIComponent(id)}` }, 'Relevance (LRP) →'),
      h('a.button', { href: `#/signatures/${encodeURIComponent(id)}` }, 'Signatures →'),
      d.has_projection ? h('a.button', { href: `#/projection/${encodeURIComponent(id)}` }, 'Projection →') : null,
      d.has_similarity || d.has_concepts ? h('a.button', { href: `#/layers/${encodeURIComponent(id)}` }, 'Layers (CKA, concepts) →') : null] : null)];
}

// The file an imported run (glassbox import --run) came from, or undefined.
const importedFrom = (d) => d.metrics?.imported_from;

function progressText(d) {
  const { run, planned } = epochsOf(d);
  if (d.state === 'done' && importedFrom(d)) return `imported from ${importedFrom(d)}: not trained here`;
  if (d.state === 'queued') return `queued${d.job?.position !== undefined ? ` (${d.job.position} ahead)` : ''}`;
  if (d.state === 'done') return `finished: ${run} of ${planned ?? run} epochs`;
  if (d.state === 'cancelled') return `cancelled after epoch ${run} of ${planned ?? '?'}`;
  if (d.state === 'failed') return 'failed';
  if (d.state === 'incomplete') return 'incomplete (no results were written)';
  const p = d.job?.progress;
  if (!p || p.epoch === undefined) return d.job?.stage ? `running: ${d.job.stage}` : 'running';
  return `epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches} · loss ${fmt(p.loss)} · ` +
    `accuracy ${pct(p.accuracy)} · elapsed ${duration(p.elapsed)} · ETA ${duration(p.eta)} · ${d.job?.stage || ''}`;
}

// The loss and accuracy charts: running per batch, per epoch for train and validation.
function curveCharts(batches, epochs) {
  const lossChart = lineChart({ title: 'loss', yLabel: 'loss', logToggle: true, series: [
    { label: 'train (running)', color: '#93c5fd' }, { label: 'train', color: '#2563eb', points: true },
    { label: 'validation', color: '#dc2626', points: true }] });
  const accChart = lineChart({ title: 'accuracy', yLabel: 'accuracy', series: [
    { label: 'train (running)', color: '#86efac' }, { label: 'train', color: '#16a34a', points: true },
    { label: 'validation', color: '#dc2626', points: true }] });
  const redraw = () => {
    const ep = [...epochs.values()].sort((a, b) => a.epoch - b.epoch);
    lossChart.setData(...columns(batches, ep, 'loss'));
    accChart.setData(...columns(batches, ep, 'accuracy'));
  };
  return { el: h('div.charts', lossChart.el, accChart.el), redraw };
}

const importNoteText = (d) => (importedFrom(d) ? `Imported from ${importedFrom(d)} (glassbox import): it was trained ` +
  'elsewhere, so there are no training curves; the test figures below are glassbox\'s evaluation of it.' : '');

// The event stream's messages for run `id`, registered in `cleanup`: live progress while
// it runs (`on.batch`, `on.epoch`, `on.stage`), and a fresh read (`on.refresh`) on every
// state change or reconnect.
function listen(cleanup, id, live, on) {
  const mine = (d) => d.id === id;
  cleanup.push(onEvent('batch', (d) => { if (mine(d) && live()) on.batch(d); }));
  cleanup.push(onEvent('epoch', (d) => { if (mine(d)) on.epoch(d); }));
  cleanup.push(onEvent('stage', (d) => { if (mine(d) && live()) on.stage(d); }));
  cleanup.push(onEvent('job', (d) => { if (mine(d)) on.refresh(); }));
  cleanup.push(onEvent('hello', () => on.refresh()));
  cleanup.push(onEvent('dropped', () => on.refresh()));
}

// The run page's elements (title, state, progress, cancel, results, config), filled by showRun.
function runParts(id, onCancel) {
  return {
    title: h('span.run-name', id), state: h('span.state', '…'), settings: h('div#run-settings.muted', ''),
    bar: h('div.bar-fill'), progress: h('span#progress-text.progress-text', ''),
    cancelMsg: h('span#cancel-message.muted', { role: 'status' }),
    cancel: h('button', { id: 'cancel-button', type: 'button', hidden: true, onclick: onCancel }, 'Cancel'),
    results: h('div.results'), edit: h('div.row#edit-link'), configPre: h('pre', ''),
    points: h('span#curve-points.muted', ''), importNote: h('div.muted#import-note', { hidden: true }),
  };
}

function showRun(ui, id, d, charts) {
  ui.title.textContent = d.name || id;
  ui.state.textContent = d.state;
  ui.state.className = 'state ' + d.state;
  ui.settings.textContent = settingsLine(d.config);
  ui.cancel.hidden = !(d.state === 'queued' || d.state === 'running');
  ui.progress.textContent = progressText(d);
  const p = d.job?.progress;
  ui.bar.style.width = d.state === 'done' ? '100%' : (100 * (p?.fraction || 0)).toFixed(1) + '%';
  charts.hidden = Boolean(importedFrom(d));  // an imported model has no training curves
  ui.importNote.hidden = !importedFrom(d);
  ui.importNote.textContent = importNoteText(d);
  clear(ui.results, d.error ? errorBox(d.error) : null, resultsPart(id, d));
  const c = d.config;
  ui.configPre.textContent = JSON.stringify(c ?? null, null, 2);
  clear(ui.edit, c && typeof c === 'object' && !c.error && Array.isArray(c.model?.layers)
    ? h('a', { href: '#/build?c=' + encodeConfig(c) }, 'Edit a copy in the builder') : null);
}

export async function runView(root, id, cleanup) {
  const batches = [];
  const epochs = new Map();  // by epoch number: an epoch event may repeat one the detail had
  let detail = { id, state: 'loading' };
  const { el: charts, redraw } = curveCharts(batches, epochs);

  const ui = runParts(id, () => doCancel());
  const show = (d) => { detail = d; showRun(ui, id, d, charts); };

  let asked = 0;
  async function refresh() {
    const mine = ++asked;
    let d;
    try { d = await getJSON('/api/runs/' + encodeURIComponent(id)); }
    catch (e) { if (mine === asked) clear(ui.results, errorBox(e)); return; }
    if (mine !== asked) return;  // a newer answer is on its way
    batches.length = 0;
    for (const c of d.job?.curve || []) batches.push({ x: c[0], loss: c[1], accuracy: c[2] });
    epochs.clear();
    for (const e of d.job?.epochs || d.metrics?.epochs || []) epochs.set(e.epoch, e);
    show(d);
    redraw();
  }

  async function doCancel() {
    clear(ui.cancelMsg, 'cancelling…');
    try {
      await postJSON(`/api/jobs/${encodeURIComponent(id)}/cancel`, {});
      clear(ui.cancelMsg, 'cancel requested: training stops after the current batch');
    } catch (e) {
      clear(ui.cancelMsg, e.status === 409 ? 'the job had already finished' : 'cancel failed: ' + e.message);
    }
    refresh();
  }

  listen(cleanup, id, () => detail.state === 'running', {
    batch: (d) => {
      batches.push({ x: d.epoch - 1 + d.batch / d.batches, loss: d.loss, accuracy: d.accuracy });
      ui.points.textContent = `${batches.length} live points`;
      detail.job = { ...(detail.job || {}), progress: d };
      ui.progress.textContent = progressText(detail);
      ui.bar.style.width = (100 * (d.fraction || 0)).toFixed(1) + '%';
      redraw();
    },
    epoch: (d) => { epochs.set(d.epoch, d); redraw(); },
    stage: (d) => { detail.job = { ...(detail.job || {}), stage: d.stage }; ui.progress.textContent = progressText(detail); },
    refresh: () => refresh(),
  });

  clear(root,
    h('h1', ui.title, ' ', ui.state), ui.settings,
    h('div.progress', h('div.bar', ui.bar), ui.progress, ' ', ui.cancel, ' ', ui.cancelMsg, ' ', ui.points),
    charts, ui.importNote,
    ui.results,
    h('details', h('summary', 'config'), ui.configPre), ui.edit);
  await refresh();
}

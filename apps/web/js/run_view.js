// One run: live loss and accuracy curves over Server-Sent Events, progress with ETA,
// cancel; when finished, the test metrics and the confusion matrix.
import { getJSON, onEvent, postJSON } from './api.js';
import { lineChart } from './charts.js';
import { clear, duration, errorBox, fmt, h, pct } from './dom.js';

// Merges running batch points and per-epoch points into uPlot's aligned columns.
function columns(batches, epochs, key) {
  const rows = [];
  for (const b of batches) rows.push([b.x, b[key], null, null]);
  for (const e of epochs) rows.push([e.epoch, null, e[key], e['val_' + key]]);
  rows.sort((a, b) => a[0] - b[0]);
  return [rows.map((r) => r[0]), [rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])]];
}

export function confusionTable(matrix, names) {
  if (!Array.isArray(matrix) || !matrix.length) return null;
  const max = Math.max(...matrix.flat());
  return h('table.confusion',
    h('tr', h('th', 'true \\ predicted'), matrix[0].map((_, j) => h('th', names?.[j] ?? j))),
    matrix.map((row, i) => h('tr', h('th', names?.[i] ?? i), row.map((v) =>
      h('td', { style: { background: `rgba(37, 99, 235, ${max ? (0.08 + 0.6 * v / max).toFixed(3) : 0})` } }, v)))));
}

export async function runView(root, id, cleanup) {
  let detail;
  try { detail = await getJSON('/api/runs/' + encodeURIComponent(id)); }
  catch (e) { clear(root, h('h1', 'Run'), errorBox(e)); return; }

  const batches = [], epochs = [];
  const job = detail.job;
  if (job) {
    for (const c of job.curve || []) batches.push({ x: c[0], loss: c[1], accuracy: c[2] });
    epochs.push(...(job.epochs || []));
  } else if (detail.metrics?.epochs) {
    epochs.push(...detail.metrics.epochs);
  }

  const lossChart = lineChart({ title: 'loss', yLabel: 'loss', series: [
    { label: 'train (running)', color: '#93c5fd' }, { label: 'train', color: '#2563eb', points: true },
    { label: 'validation', color: '#dc2626', points: true }] });
  const accChart = lineChart({ title: 'accuracy', yLabel: 'accuracy', series: [
    { label: 'train (running)', color: '#86efac' }, { label: 'train', color: '#16a34a', points: true },
    { label: 'validation', color: '#dc2626', points: true }] });
  const redraw = () => {
    const [x1, y1] = columns(batches, epochs, 'loss');
    lossChart.setData(x1, y1);
    const [x2, y2] = columns(batches, epochs, 'accuracy');
    accChart.setData(x2, y2);
  };
  redraw();

  const state = h('span.state', detail.state);
  const bar = h('div.bar-fill');
  const progressText = h('span.progress-text', '');
  const stage = h('span.muted', job?.stage || '');
  const cancel = h('button', { id: 'cancel-button', onclick: async () => {
    try { await postJSON(`/api/jobs/${encodeURIComponent(id)}/cancel`, {}); } catch (e) { alert(e.message); }
  } }, 'Cancel');
  const results = h('div.results');
  const points = h('span#curve-points.muted', '');

  const setState = (s, error) => {
    state.textContent = s;
    state.className = 'state ' + s;
    cancel.hidden = !(s === 'queued' || s === 'running');
    if (error) clear(results, errorBox(error));
  };
  const setProgress = (p) => {
    if (!p || p.epoch === undefined) return;
    bar.style.width = (100 * (p.fraction || 0)).toFixed(1) + '%';
    progressText.textContent = `epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches} · loss ${fmt(p.loss)} · ` +
      `accuracy ${pct(p.accuracy)} · elapsed ${duration(p.elapsed)} · ETA ${duration(p.eta)}`;
  };
  setState(detail.state, detail.error);
  setProgress(job?.progress);

  function showResults(d) {
    const m = d.metrics;
    if (!m || m.error) return;
    if (m.epochs && !batches.length) { epochs.length = 0; epochs.push(...m.epochs); redraw(); }
    const names = m.class_names || d.config?.data?.classes?.map(String);
    clear(results,
      h('div.metrics', h('div.metric', h('span', 'test accuracy'), h('strong#test-accuracy', pct(m.test_accuracy))),
        h('div.metric', h('span', 'test loss'), h('strong', fmt(m.test_loss)))),
      confusionTable(m.confusion_matrix, names),
      h('div.row', d.has_model !== false ? [
        h('a.button', { href: `#/inside/${encodeURIComponent(id)}` }, 'Look inside →'),
        h('a.button', { href: `#/relevance/${encodeURIComponent(id)}` }, 'Relevance (LRP) →'),
        h('a.button', { href: `#/signatures/${encodeURIComponent(id)}` }, 'Signatures →')] : null));
  }
  showResults(detail);

  const mine = (d) => d.id === id;
  cleanup.push(onEvent('batch', (d) => {
    if (!mine(d)) return;
    batches.push({ x: d.epoch - 1 + d.batch / d.batches, loss: d.loss, accuracy: d.accuracy });
    points.textContent = `${batches.length} live points`;
    setProgress(d);
    redraw();
  }));
  cleanup.push(onEvent('epoch', (d) => {
    if (!mine(d)) return;
    epochs.push(d);
    redraw();
  }));
  cleanup.push(onEvent('stage', (d) => { if (mine(d)) stage.textContent = d.stage; }));
  cleanup.push(onEvent('job', async (d) => {
    if (!mine(d)) return;
    setState(d.state, d.error);
    if (d.state === 'done') {
      bar.style.width = '100%';
      try { showResults(await getJSON('/api/runs/' + encodeURIComponent(id))); } catch (e) { clear(results, errorBox(e)); }
    }
  }));

  const c = detail.config || {};
  clear(root,
    h('h1', detail.name || id, ' ', state),
    h('div.muted', `${c.data?.dataset || ''} ${c.data?.classes ? 'classes ' + c.data.classes.join(', ') : ''} · ` +
      `${c.model?.layers?.length || 0} layers · ${c.train?.epochs || 1} epochs · batch ${c.train?.batch_size || '–'} · ` +
      `${c.train?.optimizer?.type || c.train?.optimizer || ''}`),
    h('div.progress', h('div.bar', bar), progressText, ' ', stage, ' ', cancel, ' ', points),
    h('div.charts', lossChart.el, accChart.el),
    results,
    h('details', h('summary', 'config'), h('pre', JSON.stringify(c, null, 2))),
    h('div.row', h('a', { href: '#/build?c=' + (await import('./builder.js')).encodeConfig(c) }, 'Edit a copy in the builder')));
}

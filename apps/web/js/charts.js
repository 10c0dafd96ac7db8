// Line charts with uPlot (installed from npm by scripts/fetch-web.sh into vendor/).
// A chart is at most `width` pixels wide and shrinks with its container (a phone's
// screen), redrawn at the new size; `xNames` turns x values into tick labels (layer
// names instead of positions).
import { h } from './dom.js';

let uPlotPromise = null;
function loadUPlot() {
  if (!uPlotPromise) {
    uPlotPromise = import('/vendor/uPlot.esm.js').then((m) => m.default);
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/vendor/uPlot.min.css';
    document.head.appendChild(link);
  }
  return uPlotPromise;
}

export const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#65a30d'];

const framePx = 14;  // the chart box's padding and border

// Vertical dashed lines at x values (a divergence layer), drawn after the series.
function markHook(marks) {
  return (u) => {
    const ctx = u.ctx, dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.strokeStyle = ctx.fillStyle = '#b91c1c';
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.lineWidth = 1.5 * dpr;
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    for (const m of marks) {
      const x = u.valToPos(m.x, 'x', true);
      if (!isFinite(x)) continue;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(m.short || m.label, x + 4 * dpr, u.bbox.top + 12 * dpr);
    }
    ctx.restore();
  };
}

// A series without a single finite value is hidden, with its legend entry (the legend,
// not live, has no row for the x series: row i - 1 is series i).
function hideEmpty(plot, data) {
  const rows = plot.root.querySelectorAll('.u-legend .u-series');
  for (let i = 1; i < data.length; ++i) {
    const empty = !data[i].some((v) => v !== null && v !== undefined && isFinite(v));
    if (plot.series[i].show === empty) plot.setSeries(i, { show: !empty });
    rows[i - 1]?.toggleAttribute('hidden', empty);
  }
}

function plotOptions({ xLabel, yLabel, series, height, xNames, marks, log }, width) {
  const xAxis = { label: xLabel };
  if (xNames) {
    // One tick per x value, labelled with its name.
    xAxis.splits = (u) => u.data[0].slice();
    xAxis.values = (u, splits) => splits.map((v) => xNames(v));
    xAxis.rotate = 0;
  }
  return {
    width, height,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [xAxis, { label: yLabel + (log ? ' (log scale)' : ''), size: 56 }],
    legend: { live: false },
    hooks: marks.length ? { draw: [markHook(marks)] } : {},
    series: [{ label: xLabel }, ...series.map((s, i) => ({
      label: s.label, stroke: s.color || palette[i % palette.length], width: s.width || 2,
      dash: s.dash, points: { show: s.points ?? false, size: 6 }, spanGaps: true,
    }))],
  };
}

// A chart of several series over a shared x axis. series: [{label, color, dash, points}];
// marks: [{x, label, short}] vertical lines (their labels also under the chart, as text);
// logToggle: a "log scale" box for the y axis (losses). Series with no value are hidden.
// Returns {el, setData(xs, ys[])} usable before uPlot has loaded.
export function lineChart({ title, xLabel = 'epoch', yLabel = '', series, width = 460, height = 240, xNames = null,
  marks = [], logToggle = false }) {
  const head = h('div.chart-title', h('span', title));
  const el = h('div.chart', { role: 'figure', 'aria-label': `chart: ${title}` }, head);
  el.style.width = `min(100%, ${width + framePx}px)`;
  const body = h('div.chart-body');
  let plot = null, uPlot = null, log = false, data = [[], ...series.map(() => [])];
  const fit = () => Math.max(160, Math.min(width, (el.clientWidth || width + framePx) - framePx));
  const make = () => {
    if (!uPlot) return;
    plot?.destroy();
    plot = new uPlot(plotOptions({ xLabel, yLabel, series, height, xNames, marks, log }, fit()), data, body);
    for (const c of body.querySelectorAll('canvas')) c.setAttribute('aria-hidden', 'true');
    hideEmpty(plot, data);
  };
  if (logToggle) {
    const box = h('input', { type: 'checkbox', name: 'log-scale', onchange: () => { log = box.checked; make(); } });
    head.appendChild(h('label.chart-log', box, ' log scale'));
  }
  el.appendChild(body);
  if (marks.length) el.appendChild(h('div.chart-marks.muted', marks.map((m) => h('div', m.label))));
  loadUPlot().then((u) => {
    uPlot = u;
    make();
    new ResizeObserver(() => {
      const w = fit();
      if (Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height });
    }).observe(el);
    el.classList.add('drawn');
  }).catch(() => {
    body.appendChild(h('div.muted', 'uPlot is not installed (run scripts/fetch-web.sh)'));
  });
  return {
    el,
    setData(xs, ys) {
      data = [xs, ...ys];
      if (plot) { plot.setData(data); hideEmpty(plot, data); }
    },
  };
}

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

// A chart of several series over a shared x axis. series: [{label, color, dash}].
// Returns {el, setData(xs, ys[])} usable before uPlot has loaded.
export function lineChart({ title, xLabel = 'epoch', yLabel = '', series, width = 460, height = 240, xNames = null }) {
  const el = h('div.chart', { role: 'figure', 'aria-label': `chart: ${title}` }, h('div.chart-title', title));
  el.style.width = `min(100%, ${width + framePx}px)`;
  const body = h('div.chart-body');
  el.appendChild(body);
  let plot = null, pending = null;
  const fit = () => Math.max(160, Math.min(width, (el.clientWidth || width + framePx) - framePx));
  const xAxis = { label: xLabel };
  if (xNames) {
    // One tick per x value, labelled with its name.
    xAxis.splits = (u) => u.data[0].slice();
    xAxis.values = (u, splits) => splits.map((v) => xNames(v));
    xAxis.rotate = 0;
  }
  loadUPlot().then((uPlot) => {
    plot = new uPlot({
      width: fit(), height,
      scales: { x: { time: false } },
      axes: [xAxis, { label: yLabel, size: 56 }],
      legend: { live: false },
      series: [{ label: xLabel }, ...series.map((s, i) => ({
        label: s.label, stroke: s.color || palette[i % palette.length], width: 2,
        dash: s.dash, points: { show: s.points ?? false, size: 6 }, spanGaps: true,
      }))],
    }, pending || [[], ...series.map(() => [])], body);
    for (const c of body.querySelectorAll('canvas')) c.setAttribute('aria-hidden', 'true');
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
      const data = [xs, ...ys];
      if (plot) plot.setData(data);
      else pending = data;
    },
  };
}

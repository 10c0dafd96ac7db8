// Line charts with uPlot (installed from npm by scripts/fetch-web.sh into vendor/).
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

// A chart of several series over a shared x axis. series: [{label, color, dash}].
// Returns {el, setData(xs, ys[])} usable before uPlot has loaded.
export function lineChart({ title, xLabel = 'epoch', yLabel = '', series, width = 460, height = 240 }) {
  const el = h('div.chart', h('div.chart-title', title));
  const body = h('div.chart-body');
  el.appendChild(body);
  let plot = null, pending = null;
  loadUPlot().then((uPlot) => {
    plot = new uPlot({
      width, height,
      scales: { x: { time: false } },
      axes: [{ label: xLabel }, { label: yLabel, size: 56 }],
      legend: { live: false },
      series: [{ label: xLabel }, ...series.map((s, i) => ({
        label: s.label, stroke: s.color || palette[i % palette.length], width: 2,
        dash: s.dash, points: { show: s.points ?? false, size: 6 }, spanGaps: true,
      }))],
    }, pending || [[], ...series.map(() => [])], body);
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

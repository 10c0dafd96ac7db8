// The confusion matrix as a table: counts, each cell shaded by its share of the true
// class's test images on one fixed 0–100% scale (so a 98% diagonal looks the same in
// every run), with the colour bar.
import { colorBar, shade } from './color_scale.js';
import { h } from './dom.js';

export function confusionTable(matrix, names) {
  if (!Array.isArray(matrix) || !matrix.length) return null;
  const name = (i) => names?.[i] ?? String(i);
  return h('div.confusion-box',
    h('table.confusion', h('caption', 'confusion matrix (test set): rows are the true class, columns the prediction'),
      h('tr', h('th', { scope: 'col' }, 'true \\ predicted'), matrix[0].map((_, j) => h('th', { scope: 'col' }, name(j)))),
      matrix.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        return h('tr', h('th', { scope: 'row' }, name(i)), row.map((v) =>
          h('td', { style: shade(v / total, 0, 1), title: `${(100 * v / total).toFixed(1)}% of true ${name(i)}` }, v)));
      })),
    colorBar(0, 1, 'share of the true class', { loText: '0%', hiText: '100%' }));
}

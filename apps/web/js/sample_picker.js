// Choosing one input: a grid of test (or unseen-class) images, or a digit drawn on a pad.
// Calls onpick({split, index} | {pixels}, previewValues).
import { getPacked } from './api.js';
import { clear, errorBox, h } from './dom.js';
import { DrawPad, drawMap } from './draw.js';

export function samplePicker(runId, onpick, { count = 40 } = {}) {
  const grid = h('div.sample-grid');
  const splitSelect = h('select', { name: 'split' }, h('option', { value: 'test' }, 'test images'),
    h('option', { value: 'unseen' }, 'unseen classes'));
  let offset = 0, hw = [28, 28];
  const pad = new DrawPad(196, () => pick({ pixels: Array.from(pad.toPixels(hw[0], hw[1])) }));
  const el = h('div.picker',
    h('div.row', splitSelect,
      h('button.icon', { title: 'previous images', onclick: () => { offset = Math.max(0, offset - count); load(); } }, '‹'),
      h('button.icon', { title: 'next images', onclick: () => { offset += count; load(); } }, '›')),
    grid,
    h('div.pad-box', h('div.muted', 'or draw a digit:'), pad.canvas,
      h('button', { onclick: () => pad.clear() }, 'Clear')));

  function pick(input) {
    for (const c of grid.querySelectorAll('canvas')) c.classList.toggle('picked', input.split === c.dataset.split && +c.dataset.index === input.index);
    onpick(input);
  }

  async function load() {
    try {
      const s = await getPacked(`/api/runs/${encodeURIComponent(runId)}/samples?split=${splitSelect.value}&offset=${offset}&count=${count}`);
      const shape = s.images.shape;  // (n, 1, h, w) or (n, h, w) or (n, d)
      const w = shape[shape.length - 1], hgt = shape.length > 2 ? shape[shape.length - 2] : 1;
      hw = [hgt, w];
      const per = s.images.length / Math.max(1, s.indices.length);
      clear(grid, s.indices.map((index, k) => {
        const c = drawMap(h('canvas.thumb', { title: `#${index}: ${s.class_names[s.labels[k]] ?? s.labels[k]}` }),
          s.images, hgt, w, { cmap: 'gray', range: [0, 1], offset: k * per });
        c.dataset.index = index; c.dataset.split = s.split;
        c.addEventListener('click', () => pick({ split: s.split, index }));
        c.addEventListener('dblclick', () => { pad.clear(); pad.load(s.images.subarray(k * per, (k + 1) * per), hgt, w); });
        return c;
      }));
      if (!s.indices.length) clear(grid, h('div.muted', 'no images in this split'));
      return s;
    } catch (e) {
      clear(grid, errorBox(e));
      return null;
    }
  }
  splitSelect.addEventListener('change', () => { offset = 0; load(); });
  return { el, load, pick };
}

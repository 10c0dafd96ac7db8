// Choosing one input: a grid of test (or unseen-class) images, or a digit drawn on a pad.
// Each thumbnail is a button named "test #4, label 1"; arrow keys move between them.
// Calls onpick({split, index} | {pixels}). show({split, index}) turns to the page of
// images that holds that one and picks it (an input named by the URL).
import { getPacked } from './api.js';
import { clear, errorBox, h } from './dom.js';
import { DrawPad, drawMap } from './draw.js';
import { arrowKeys } from './focus.js';

export function samplePicker(runId, onpick, { count = 40 } = {}) {
  const grid = arrowKeys(h('div.sample-grid', { role: 'group', 'aria-label': 'images to inspect' }), 'button.thumb');
  const splitSelect = h('select', { name: 'split', 'aria-label': 'which images' }, h('option', { value: 'test' }, 'test images'),
    h('option', { value: 'unseen' }, 'unseen classes'));
  let offset = 0, hw = [28, 28];
  const pad = new DrawPad(196, () => pick({ pixels: Array.from(pad.toPixels(hw[0], hw[1])) }));
  pad.canvas.setAttribute('role', 'img');
  pad.canvas.setAttribute('aria-label', 'drawing pad: draw a digit with the mouse or a finger');
  const el = h('div.picker',
    h('div.row', splitSelect,
      h('button.icon', { type: 'button', 'aria-label': 'previous images', title: 'previous images', onclick: () => { offset = Math.max(0, offset - count); load(); } }, '‹'),
      h('button.icon', { type: 'button', 'aria-label': 'next images', title: 'next images', onclick: () => { offset += count; load(); } }, '›')),
    grid,
    h('div.pad-box', h('div.muted', 'or draw a digit:'), pad.canvas,
      h('button', { type: 'button', onclick: () => pad.clear() }, 'Clear')));

  function pick(input) {
    for (const b of grid.querySelectorAll('button.thumb')) {
      const on = input.split === b.dataset.split && +b.dataset.index === input.index;
      b.classList.toggle('picked', on);
      b.setAttribute('aria-pressed', String(on));
    }
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
        const label = `${s.split} #${index}, label ${s.class_names[s.labels[k]] ?? s.labels[k]}`;
        const c = drawMap(h('canvas.thumb', { 'aria-hidden': 'true' }), s.images, hgt, w, { cmap: 'gray', range: [0, 1], offset: k * per });
        const b = h('button.thumb', { type: 'button', 'aria-label': label, title: label, 'aria-pressed': 'false',
          dataset: { index, split: s.split, focus: `thumb-${k}` } }, c);
        b.addEventListener('click', () => pick({ split: s.split, index }));
        b.addEventListener('dblclick', () => { pad.clear(); pad.load(s.images.subarray(k * per, (k + 1) * per), hgt, w); });
        return b;
      }));
      if (!s.indices.length) clear(grid, h('div.muted', 'no images in this split'));
      return s;
    } catch (e) {
      clear(grid, errorBox(e));
      return null;
    }
  }
  async function show(input) {
    splitSelect.value = input.split;
    offset = Math.floor(input.index / count) * count;
    const s = await load();
    pick(input);
    return s;
  }
  splitSelect.addEventListener('change', () => { offset = 0; load(); });
  return { el, load, pick, show };
}

// Projections: where the held-out inputs sit in each layer (projection.json: PCA axes
// fitted on the trained classes, the unseen classes projected onto the same axes), as a
// scatter plot; "UMAP" embeds the same points from all their PCA coordinates with umap-js
// in the browser (seeded, so the same run draws the same picture). Clicking a point selects
// that input, with links to it in the inside and relevance views.
import { getJSON } from './api.js';
import { palette } from './charts.js';
import { clear, errorBox, fmt, h } from './dom.js';
import { fetchNpy } from './npy.js';
import { setQuery, setTitle } from './view_state.js';

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 420, MARGIN = 14;

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

// umap-js's browser build (a UMD script that sets window.UMAP), loaded on first use.
let umapModule = null;
function loadUmap() {
  umapModule ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = 'vendor/umap-js.min.js';
    s.onload = () => (window.UMAP?.UMAP ? resolve(window.UMAP.UMAP) : reject(new Error('umap-js did not define UMAP')));
    s.onerror = () => reject(new Error('vendor/umap-js.min.js did not load (run scripts/fetch-web.sh)'));
    document.head.append(s);
  });
  return umapModule;
}

// A seeded generator in [0, 1) (mulberry32) for umap-js's `random`.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Rows of an (n, k) array as arrays.
const rows = (a) => Array.from({ length: a.shape[0] }, (_, i) => Array.from(a.data.subarray(i * a.shape[1], (i + 1) * a.shape[1])));

async function embedUmap(points, seed, status) {
  const UMAP = await loadUmap();
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, points.length - 1), minDist: 0.1, random: seeded(seed) });
  const epochs = umap.initializeFit(points);
  for (let e = 0; e < epochs; ++e) {
    umap.step();
    if (e % 50 === 0) { status.textContent = `UMAP: epoch ${e} of ${epochs}…`; await new Promise((r) => setTimeout(r)); }
  }
  status.textContent = '';
  return umap.getEmbedding();
}

// The scatter: points [{xy, color, unseen, label, split, index}], each clickable.
function scatter(points, onPick) {
  const xs = points.map((p) => p.xy[0]), ys = points.map((p) => p.xy[1]);
  const lo = [Math.min(...xs), Math.min(...ys)], hi = [Math.max(...xs), Math.max(...ys)];
  const px = (v, d) => MARGIN + ((v - lo[d]) / ((hi[d] - lo[d]) || 1)) * (SIZE - 2 * MARGIN);
  const root = svg('svg', { width: SIZE, height: SIZE, viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'projection-plot' });
  root.append(svg('rect', { x: 0, y: 0, width: SIZE, height: SIZE, fill: '#fff', stroke: '#ddd' }));
  for (const p of points) {
    const x = px(p.xy[0], 0), y = SIZE - px(p.xy[1], 1);
    const mark = p.unseen
      ? svg('path', { d: `M${x - 3},${y - 3}L${x + 3},${y + 3}M${x - 3},${y + 3}L${x + 3},${y - 3}`, stroke: '#111', 'stroke-width': 1.5 })
      : svg('circle', { cx: x, cy: y, r: 3, fill: p.color, 'fill-opacity': 0.8 });
    mark.classList.add('point');
    mark.dataset.split = p.split;
    mark.dataset.index = p.index;
    const title = svg('title');
    title.textContent = `${p.label} · ${p.split} input ${p.index}`;
    mark.append(title);
    mark.addEventListener('click', () => onPick(p, mark));
    root.append(mark);
  }
  return root;
}

export async function projectionView(root, runId, params = new URLSearchParams()) {
  setTitle(`projection · ${runId}`);
  const run = encodeURIComponent(runId);
  const header = [h('h1', 'Projection ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + run }, '← run'), ' · ', h('a', { href: '#/inside/' + run }, 'inside'), ' · ',
      h('a', { href: '#/relevance/' + run }, 'relevance'), ' · ', h('a', { href: '#/signatures/' + run }, 'signatures'))];
  let study;
  try {
    study = await getJSON(`/api/runs/${run}/files/projection.json`);
  } catch (e) {
    clear(root, header, e.status === 404 ? h('div.warn', 'This run has no projection.json. Add a "projection" section to the experiment to compute one.') : errorBox(e));
    return;
  }
  const file = (name) => fetchNpy(`/api/runs/${run}/files/${name}`);
  const [inputs, labels] = await Promise.all([file(study.arrays.inputs), file(study.arrays.labels)]);
  const unseenInputs = study.arrays.unseen_inputs ? await file(study.arrays.unseen_inputs) : null;
  const layerSelect = h('select#projection-layer', study.layers.map((l) => h('option', { value: l.name }, `${l.name} (${l.type}, ${l.features})`)));
  layerSelect.value = study.layers.some((l) => l.name === params.get('layer')) ? params.get('layer') : study.layers.at(-1).name;
  const method = h('select#projection-method', h('option', { value: 'pca' }, 'PCA axes 1 and 2'), h('option', { value: 'umap' }, 'UMAP of the PCA axes'));
  method.value = params.get('method') === 'umap' ? 'umap' : 'pca';
  const status = h('span.muted'), plot = h('div.projection'), picked = h('div.projection-pick.muted', 'Click a point to open that input.');
  const legend = h('div.legend', study.class_names.map((n, c) => h('span', h('span.swatch', { style: `background:${palette[c % palette.length]}` }), ` ${n} `)),
    study.unseen_classes.length ? h('span', ` × unseen (${study.unseen_classes.join(', ')})`) : null);

  function pick(p, mark) {
    for (const m of plot.querySelectorAll('.point.selected')) m.classList.remove('selected');
    mark.classList.add('selected');
    const q = `split=${p.split}&index=${p.index}`;
    clear(picked, `${p.label}, ${p.split} input ${p.index}: `, h('a#open-inside', { href: `#/inside/${run}?${q}` }, 'inside'), ' · ',
      h('a#open-relevance', { href: `#/relevance/${run}?${q}` }, 'relevance'));
  }

  async function draw() {
    const layer = study.layers.find((l) => l.name === layerSelect.value);
    setQuery({ layer: layer.name, method: method.value === 'umap' ? 'umap' : null });
    const coords = rows(await file(layer.coords));
    const unseen = layer.unseen_coords ? rows(await file(layer.unseen_coords)) : [];
    let xy = [...coords, ...unseen].map((r) => [r[0], r[1] ?? 0]);
    if (method.value === 'umap') {
      try { xy = await embedUmap([...coords, ...unseen], study.seed ?? 1, status); } catch (e) { clear(plot, errorBox(e)); return; }
    }
    const points = xy.map((p, i) => i < coords.length
      ? { xy: p, color: palette[labels.data[i] % palette.length], unseen: false, label: study.class_names[labels.data[i]] ?? String(labels.data[i]), split: study.split ?? 'test', index: inputs.data[i] }
      : { xy: p, unseen: true, label: 'unseen', split: 'unseen', index: unseenInputs.data[i - coords.length] });
    const ratio = layer.variance_ratio.slice(0, 2).map((r) => fmt(100 * r, 1) + '%').join(' + ');
    clear(plot, scatter(points, pick), h('div.muted', method.value === 'umap'
      ? `UMAP (umap-js, seed ${study.seed ?? 1}) of ${layer.components} PCA axes`
      : `PCA axes 1 and 2: ${ratio} of the variance`));
  }
  layerSelect.addEventListener('change', draw);
  method.addEventListener('change', draw);
  clear(root, header,
    h('p.muted', `${study.samples} held-out inputs of the trained classes; the PCA axes are theirs` +
      (study.unseen_samples ? `, and ${study.unseen_samples} inputs of unseen classes are projected onto them.` : '.')),
    h('div.row', h('label', 'layer ', layerSelect), h('label', ' view ', method), status), legend, plot, picked);
  await draw();
}

// Layers: how the layers relate, from the run's similarity.json (linear CKA between every
// pair of layers on the same held-out inputs, as a shaded matrix on the fixed scale 0…1)
// and concepts.json (concept relevance propagation: per class the top concepts of each
// layer with their share of the class's relevance, the relevance flowing between
// consecutive layers' concepts, and the drawn path graph).
import { getJSON } from './api.js';
import { colorBar, shade } from './color_scale.js';
import { clear, errorBox, fmt, h } from './dom.js';
import { setQuery, setTitle } from './view_state.js';

const cell = (v) => (typeof v === 'number' ? v.toFixed(2) : '–');

// The CKA matrix, layer names on both axes, one fixed scale 0…1.
function ckaPart(sim) {
  const names = sim.layers.map((l) => l.name);
  return h('section.cka',
    h('h2', 'Layer similarity (linear CKA)'),
    h('p.muted', `${sim.samples} held-out inputs; 1 means the two layers represent the inputs alike (up to rotation and scale).`),
    h('table.matrix#cka-matrix',
      h('tr', h('th', ''), names.map((n) => h('th', { scope: 'col' }, n))),
      sim.cka.map((row, i) => h('tr', h('th', { scope: 'row' }, names[i]),
        row.map((v, j) => h('td', { style: shade(v, 0, 1), title: `${names[i]} × ${names[j]}: ${fmt(v)}`, 'data-value': v ?? '' }, cell(v)))))),
    colorBar(0, 1, 'CKA'));
}

// One class's concept path: a column per layer with its top concepts and their shares,
// the strongest links between consecutive layers, and the path graph the run drew.
function pathPart(run, c) {
  return h('div.concept-path',
    h('div.muted', `class ${c.name}: ${c.count} inputs, mean logit ${fmt(c.logit)}`),
    h('table#concept-layers', h('tr', h('th', 'layer'), h('th', 'top concepts (share of the class\'s relevance at the layer)'),
      h('th', { title: 'the share of the input relevance that flows through the layer: less than 100% where a skip connection carries the rest around it' }, 'through the layer')),
      c.layers.map((l) => h('tr', h('th', { scope: 'row' }, l.name),
        h('td', l.top.map((t) => h('span.concept', { 'data-concept': t.concept }, `#${t.concept} ${(100 * t.share).toFixed(1)}% `))),
        h('td.num.through', typeof l.through_share === 'number' ? `${(100 * l.through_share).toFixed(1)}%` : '–')))),
    c.edges.length === 0 ? null : h('table#concept-edges', h('tr', h('th', 'from'), h('th', 'to'), h('th', 'share of the upper concept')),
      [...c.edges].sort((a, b) => b.share_of_upper - a.share_of_upper).slice(0, 8).map((e) => h('tr',
        h('td', `${e.lower} #${e.lower_concept}`), h('td', `${e.upper} #${e.upper_concept}`), h('td', (100 * e.share_of_upper).toFixed(1) + '%')))),
    c.graph ? h('img.concept-graph', { src: `/api/runs/${run}/files/${c.graph}`, alt: `concept path graph of class ${c.name}` }) : null);
}

function conceptsPart(run, con, params) {
  const select = h('select#concept-class', con.classes.map((c, i) => h('option', { value: String(i) }, c.name)));
  select.value = con.classes[Number(params.get('class'))] ? params.get('class') : '0';
  const body = h('div');
  const draw = () => { setQuery({ class: select.value === '0' ? null : select.value }); clear(body, pathPart(run, con.classes[Number(select.value)])); };
  select.addEventListener('change', draw);
  draw();
  return h('section.concepts', h('h2', 'Concept paths (concept relevance propagation)'),
    h('p.muted', `composite ${con.composite}; ${con.samples_per_class} inputs per class, top ${con.top_k} concepts per layer.`),
    h('label', 'class ', select), body);
}

async function optional(url) {
  try { return await getJSON(url); } catch (e) { if (e.status === 404) return null; throw e; }
}

export async function layersView(root, runId, params = new URLSearchParams()) {
  setTitle(`layers · ${runId}`);
  const run = encodeURIComponent(runId);
  const header = [h('h1', 'Layers ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + run }, '← run'), ' · ', h('a', { href: '#/signatures/' + run }, 'signatures'),
      ' · ', h('a', { href: '#/projection/' + run }, 'projection'))];
  let sim, con;
  try {
    [sim, con] = await Promise.all([optional(`/api/runs/${run}/files/similarity.json`), optional(`/api/runs/${run}/files/concepts.json`)]);
  } catch (e) { clear(root, header, errorBox(e)); return; }
  if (!sim && !con) {
    clear(root, header, h('div.warn', 'This run has neither similarity.json nor concepts.json. Add a "similarity" or "concepts" section to the experiment to compute them.'));
    return;
  }
  clear(root, header, sim ? ckaPart(sim) : null, con ? conceptsPart(run, con, params) : null);
}

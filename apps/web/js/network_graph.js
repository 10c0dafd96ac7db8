// The network as a graph: one box per node (the model's input and every layer) and an
// arrow from each node to every node that takes its output, placed by dagre's layered
// layout (@dagrejs/dagre from npm, copied into vendor/ by scripts/fetch-web.sh): ranks
// from the input at the top to the output at the bottom, a skip connection beside the
// branch it skips, a sequential model as one column. What a box shows is the view's
// (a layer's activations, its relevance).
//
// The element is returned at once; dagre is loaded and the boxes are measured and placed
// once it is in the document, after which it carries data-laid-out="true". Each box has
// data-node (its name), each arrow data-from and data-to (the names it joins).
import { h } from './dom.js';

let dagrePromise = null;
function loadDagre() {
  if (!dagrePromise) dagrePromise = import('/vendor/dagre.esm.js').then((m) => m.default || m);
  return dagrePromise;
}

const svgNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(c);
  return el;
}

let markers = 0;  // arrowhead ids, unique in the document

// The edges of `nodes`: [from, to] for every input a node names that is a node here.
export function graphEdges(nodes) {
  const known = new Set(nodes.map((n) => n.name));
  return nodes.flatMap((n) => (n.inputs || []).filter((i) => known.has(i)).map((i) => [i, n.name]));
}

function place(dagre, box, els, nodes, edgeLayer) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 34, edgesep: 12, marginx: 6, marginy: 6 });
  g.setDefaultEdgeLabel(() => ({}));
  nodes.forEach((n, k) => {
    const r = els[k].getBoundingClientRect();
    g.setNode(n.name, { width: Math.ceil(r.width), height: Math.ceil(r.height) });
  });
  const edges = graphEdges(nodes);
  for (const [a, b] of edges) g.setEdge(a, b);
  dagre.layout(g);
  nodes.forEach((n, k) => {
    const p = g.node(n.name);
    Object.assign(els[k].style, { left: `${p.x - p.width / 2}px`, top: `${p.y - p.height / 2}px` });
  });
  const { width, height } = g.graph();
  Object.assign(box.style, { width: `${Math.ceil(width)}px`, height: `${Math.ceil(height)}px` });
  const id = `graph-arrow-${++markers}`;
  edgeLayer.replaceChildren(svg('defs', {}, svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#64748b' }))));
  for (const [a, b] of edges) {
    const pts = g.edge(a, b).points;
    edgeLayer.appendChild(svg('path', { d: 'M' + pts.map((q) => `${q.x.toFixed(1)},${q.y.toFixed(1)}`).join(' L'),
      fill: 'none', stroke: '#64748b', 'stroke-width': 1.5, 'marker-end': `url(#${id})`, 'data-from': a, 'data-to': b }));
  }
  Object.assign(edgeLayer.style, { width: `${Math.ceil(width)}px`, height: `${Math.ceil(height)}px` });
  edgeLayer.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  box.dataset.laidOut = 'true';
}

// nodes: [{name, inputs: [names of the nodes it takes], content: elements}]. A node named
// in `inputs` that is not among `nodes` draws no arrow.
export function networkGraph(nodes, { label = 'the network as a graph' } = {}) {
  const edgeLayer = svg('svg', { class: 'graph-edges', 'aria-hidden': 'true' });
  const els = nodes.map((n) => h('div.graph-node', { dataset: { node: n.name } }, n.content));
  const box = h('div.network-graph', { role: 'group', 'aria-label': label }, edgeLayer, els);
  box.dataset.nodes = String(nodes.length);
  // Placed once shown; a graph never put into the page stops waiting after ~10 s of frames.
  const whenShown = () => new Promise((resolve, reject) => {
    let frames = 0;
    const wait = () => (box.isConnected ? resolve() : ++frames > 600 ? reject(new Error('never shown')) : requestAnimationFrame(wait));
    wait();
  });
  Promise.all([loadDagre(), whenShown()]).then(([dagre]) => place(dagre, box, els, nodes, edgeLayer))
    .catch((e) => { if (box.isConnected) box.replaceChildren(h('div.error', `the graph could not be drawn: ${e.message || e}`)); });
  return h('div.graph-scroll', box);
}

// The nodes a layer takes, as the server names them ("inputs"), or the previous layer's
// (the model's input for the first) for an answer without them.
export function inputsOf(layers, k) {
  return layers[k].inputs || [k === 0 ? 'input' : layers[k - 1].name];
}

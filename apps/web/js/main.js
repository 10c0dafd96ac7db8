// The page's router: #/view/arg?query (the query holds the view's state: view_state.js). Each view lives in its own module, loaded when
// it is first shown (the first screen waits only for its own modules), and gets a
// cleanup list for the event listeners it registers.
import { datasets, examples, getJSON, onEvent, registry } from './api.js';
import { clear, errorBox, h } from './dom.js';

// Most views need the registry and the datasets, the builder the examples: ask for them
// while the view's modules load.
registry().catch(() => {});
datasets().catch(() => {});
if (!location.hash || location.hash.startsWith('#/build')) examples();

const builderView = async (...a) => (await import('./builder.js')).builderView(...a);
const insideView = async (...a) => (await import('./inside_view.js')).insideView(...a);
const relevanceView = async (...a) => (await import('./relevance_view.js')).relevanceView(...a);
const runView = async (...a) => (await import('./run_view.js')).runView(...a);
const runsView = async (...a) => (await import('./runs_view.js')).runsView(...a);
const compareView = async (...a) => (await import('./runs_view.js')).compareView(...a);
const signaturesView = async (...a) => (await import('./signatures_view.js')).signaturesView(...a);
const projectionView = async (...a) => (await import('./projection_view.js')).projectionView(...a);
const layersView = async (...a) => (await import('./layers_view.js')).layersView(...a);

const root = document.getElementById('view');
let cleanup = [];

// Views that look at one run; without an ID they offer the latest finished runs.
async function pickRun(kind) {
  const { runs } = await getJSON('/api/runs');
  const usable = runs.filter((r) => r.has_model);
  clear(root, h('h1', 'Choose a run'), usable.length
    ? h('ul.run-choice', usable.map((r) => h('li', h('a', { href: `#/${kind}/${encodeURIComponent(r.id)}` }, r.id),
      h('span.muted', ` ${r.dataset || ''} ${r.classes ? '(' + r.classes.join(', ') + ')' : ''}`))))
    : h('p', 'No trained run yet. ', h('a', { href: '#/build' }, 'Build and run one.')));
}

async function route() {
  for (const f of cleanup) f();
  cleanup = [];
  const hash = location.hash.replace(/^#\/?/, '') || 'build';
  const [path, query = ''] = hash.split('?');
  const [view, ...rest] = path.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : '';
  const params = new URLSearchParams(query);
  document.title = `glassbox · ${view}${arg ? ' · ' + arg : ''}`;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === view ||
    (view === 'run' && a.dataset.view === 'runs') || (view === 'compare' && a.dataset.view === 'runs'));
  try {
    switch (view) {
      case 'build': await builderView(root, params); break;
      case 'runs': await runsView(root, cleanup, params); break;
      case 'compare': await compareView(root, params); break;
      case 'run': await runView(root, arg, cleanup); break;
      case 'inside': await (arg ? insideView(root, arg, params) : pickRun('inside')); break;
      case 'relevance': await (arg ? relevanceView(root, arg, params) : pickRun('relevance')); break;
      case 'signatures': await (arg ? signaturesView(root, arg, params) : pickRun('signatures')); break;
      case 'projection': await (arg ? projectionView(root, arg, params) : pickRun('projection')); break;
      case 'layers': await (arg ? layersView(root, arg, params) : pickRun('layers')); break;
      default: clear(root, h('h1', 'Not found'), h('p', h('a', { href: '#/build' }, 'Start here.')));
    }
  } catch (e) {
    clear(root, errorBox(e));
  }
}

// The queue at a glance in the header, from the event stream.
const jobs = new Map();
function showQueue() {
  const running = [...jobs.values()].filter((j) => j.state === 'running');
  const queued = [...jobs.values()].filter((j) => j.state === 'queued');
  const el = document.getElementById('queue-status');
  clear(el, running.length ? h('a', { href: '#/run/' + encodeURIComponent(running[0].id) }, `training ${running[0].id}`) : 'idle',
    queued.length ? `, ${queued.length} queued` : '');
}
onEvent('hello', (d) => { jobs.clear(); for (const j of d.jobs) jobs.set(j.id, j); showQueue(); });
onEvent('job', (j) => { jobs.set(j.id, j); showQueue(); });

window.addEventListener('hashchange', route);
route();

// Experiment builder: dataset, classes to train on and unseen classes, layer list (a
// graph when layers name their inputs: builder_graph.js), optimizer, training settings. The experiment is kept as the config JSON itself; it is
// shown, editable, and encoded in the URL (#/build?c=...) so a link reproduces it. Run is
// enabled only while the JSON parses, the checks of builder_checks.js pass and the
// server's dry run (builder_shapes.js) has not refused the model; each layer's row shows
// its output shape and parameter count from that dry run.
import { datasets, examples, postJSON, registry } from './api.js';
import { configProblems, datasetClassNames, syncOutputUnits } from './builder_checks.js';
import { classPicker } from './builder_classes.js';
import { clear, errorBox, h } from './dom.js';
import { keepingFocus } from './focus.js';
import { parameterFields } from './form.js';
import { presets } from './presets.js';
import { beforeReshape, graphFields, mergeInserter } from './builder_graph.js';
import { shapeChecker } from './builder_shapes.js';
import { presetList, trainedRunsBox } from './builder_start.js';

export function encodeConfig(config) {
  const bytes = new TextEncoder().encode(JSON.stringify(config));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeConfig(text) {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
}

const clone = (x) => JSON.parse(JSON.stringify(x));
const isObject = (x) => x && typeof x === 'object' && !Array.isArray(x);

async function loadPresets() {
  const found = await examples();
  return [
    ...found.map((e) => ({ id: e.file, title: e.config.name || e.file, question: e.config.description || e.file, config: e.config })),
    ...presets.filter((p) => !found.some((e) => (e.config.name || '') === p.config.name)),
  ];
}

// Settings that belong to one dataset and must not survive a switch to another (its
// class subset, unseen classes, file paths, the description of the old experiment).
function switchDataset(config, name) {
  const old = config.data || {};
  config.data = { dataset: name };
  for (const k of ['validation_split', 'limit', 'test_limit', 'normalize', 'seed', 'shuffle'])
    if (old[k] !== undefined) config.data[k] = old[k];
  delete config.description;
}

// The config of the page's URL (#/build?c=...), else the first preset's.
function initialConfig(params, allPresets) {
  let config;
  try { config = params.get('c') ? decodeConfig(params.get('c')) : clone(allPresets[0].config); }
  catch (_) { config = clone(allPresets[0].config); }
  return isObject(config) ? config : clone(allPresets[0].config);
}

// Missing sections become empty ones, so the form always has something to show.
function ensureSections(config, reg) {
  if (!isObject(config.data)) config.data = {};
  if (!isObject(config.model)) config.model = {};
  if (!Array.isArray(config.model.layers)) config.model.layers = [];
  if (!isObject(config.train)) config.train = {};
  if (typeof config.train.optimizer === 'string') config.train.optimizer = { type: config.train.optimizer };
  if (!isObject(config.train.optimizer)) config.train.optimizer = { type: reg.optimizers[0]?.name || 'sgd' };
}

// The builder's state and its parts; b.changed() after every edit of b.config.
function createBuilder(reg, dsets, config) {
  const b = {
    config, reg, dsets, jsonValid: true, serverProblems: [],
    layerTypes: reg.layers.map((l) => l.name),
    layerInfo: Object.fromEntries(reg.layers.map((l) => [l.name, l])),
    optInfo: Object.fromEntries(reg.optimizers.map((o) => [o.name, o])),
    datasetByName: Object.fromEntries(dsets.map((d) => [d.name, d])),
    form: h('div.builder-form'),
    jsonBox: h('textarea#config-json.config-json', { spellcheck: false, rows: 18, name: 'config-json' }),
    jsonError: h('div#config-json-error.error-text', { role: 'alert' }),
    status: h('div.status', { role: 'status' }),
    problemList: h('ul#problems.problems'),
    shapeSummary: h('div#shape-summary.muted', { role: 'status' }),
  };
  b.info = () => b.datasetByName[b.config.data?.dataset];
  b.runButton = h('button.primary', { onclick: () => submit(b), id: 'run-button', type: 'button' }, 'Run experiment');
  b.shapes = shapeChecker(b.form, b.shapeSummary, ({ problems }) => { b.serverProblems = problems; showProblems(b); });
  b.render = () => {
    ensureSections(b.config, reg);
    clear(b.form, dataSection(b), modelSection(b), trainSection(b),
      h('div.row.actions', b.runButton, b.status), b.shapeSummary, b.problemList);
    b.shapes.redraw();
  };
  b.changed = ({ rerender = false, moveTo = null, fromJson = false } = {}) => {
    if (!fromJson) showJson(b);
    history.replaceState(null, '', '#/build?c=' + encodeConfig(b.config));
    if (rerender) keepingFocus(b.form, b.render, moveTo);
    b.serverProblems = [];
    const local = showProblems(b);
    b.shapes.schedule(b.config, b.jsonValid && local.length === 0);
  };
  b.setConfig = (c) => { b.config = c; b.changed({ rerender: true }); };
  b.jsonBox.addEventListener('input', () => jsonEdited(b));
  return b;
}

function showJson(b) {
  b.jsonBox.value = JSON.stringify(b.config, null, 2);
  b.jsonValid = true;
  b.jsonBox.removeAttribute('aria-invalid');
  clear(b.jsonError);
}

// The checks, shown as a list under Run and as marks on the fields they name; returns
// the page's own problems (the server's dry run is asked only when there are none).
function showProblems(b) {
  const local = b.jsonValid ? configProblems(b.config, b.info()) : [];
  const problems = b.jsonValid ? [...local, ...b.serverProblems] : [];
  clear(b.problemList, problems.map((p) => h('li', { dataset: { key: p.key } }, p.message)));
  for (const el of b.form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const p of problems) {
    const name = fieldName(p.key);
    for (const el of b.form.querySelectorAll(`[name="${name}"], [name^="${name}-"]`)) el.setAttribute('aria-invalid', 'true');
  }
  b.runButton.disabled = problems.length > 0 || !b.jsonValid;
  b.runButton.title = !b.jsonValid ? 'the config JSON does not parse: fix it first' : problems.length ? 'fix the problems listed below' : '';
  return local;
}

// An edit of the config box: the form follows a JSON object; anything else disables Run.
function jsonEdited(b) {
  let parsed;
  try {
    parsed = JSON.parse(b.jsonBox.value);
    if (!isObject(parsed)) throw new Error('the config must be a JSON object ({...})');
  } catch (e) {
    b.jsonValid = false;
    b.jsonBox.setAttribute('aria-invalid', 'true');
    clear(b.jsonError, 'JSON: ' + e.message + ' — Run is disabled until the config parses.');
    showProblems(b);
    b.shapes.schedule(null, false);
    return;
  }
  b.config = parsed;
  b.jsonValid = true;
  b.jsonBox.removeAttribute('aria-invalid');
  clear(b.jsonError);
  b.render();
  b.changed({ fromJson: true });
}

async function submit(b) {
  if (b.runButton.disabled) return;
  clear(b.status, 'submitting…');
  try {
    // What is submitted is what the config box shows.
    const r = await postJSON('/api/runs', JSON.parse(b.jsonBox.value));
    location.hash = '#/run/' + encodeURIComponent(r.id);
  } catch (e) {
    clear(b.status, errorBox(e));
  }
}

function configPane(b) {
  return h('div.json-pane', h('h2', h('label', { for: 'config-json' }, 'Config (JSON)')), b.jsonBox, b.jsonError,
    h('div.muted', 'The link of this page holds this config. The same file runs with ',
      h('code', 'glassbox run FILE'), ' (', h('code', 'glassbox run --check FILE'), ' checks it without training).'));
}

export async function builderView(root, params) {
  const [reg, dsets, allPresets] = await Promise.all([registry(), datasets(), loadPresets()]);
  const b = createBuilder(reg, dsets, initialConfig(params, allPresets));
  clear(root,
    h('h1', 'Build an experiment'),
    trainedRunsBox(),
    h('h2.sub', 'Start from'), presetList(allPresets, b),
    h('div.builder', b.form, configPane(b)));
  b.render();
  b.changed();
}

// The form field that shows a config key (see configProblems).
function fieldName(key) {
  const m = /^model\.layers\.(\d+)\.(\w+)$/.exec(key);
  if (m) return `layer-${m[1]}-${m[2]}`;
  const row = /^model\.layers\.(\d+)$/.exec(key);
  if (row) return `layer-${row[1]}-type`;
  return { 'data.dataset': 'dataset', 'data.classes': 'class', 'data.unseen_classes': 'unseen',
    'data.validation_split': 'validation_split', 'train.epochs': 'epochs', 'train.batch_size': 'batch_size',
    'model.layers': 'add-layer-type' }[key] || key;
}

function section(title, ...body) { return h('fieldset', h('legend', title), ...body); }

function numberField(label, obj, key, changed, { step = 1, min, max, placeholder } = {}) {
  const input = h('input', { type: 'number', step, min, max, value: obj[key] ?? '', placeholder, size: 6, name: key });
  input.addEventListener('input', () => {
    const v = input.value === '' ? undefined : Number(input.value);
    if (v === undefined) delete obj[key]; else obj[key] = v;
    changed();
  });
  return h('label.field', h('span', label), input);
}

function dataSection(b) {
  const { changed, info, dsets, datasetByName } = b;
  const c = b.config, d = c.data;
  const select = h('select', { name: 'dataset' },
    dsets.map((ds) => h('option', { value: ds.name, selected: ds.name === d.dataset },
      ds.name + (ds.available === false ? ' (not installed)' : ''))));
  if (d.dataset && !datasetByName[d.dataset]) select.appendChild(h('option', { value: d.dataset, selected: true }, d.dataset + ' (unknown)'));
  select.addEventListener('change', () => {
    switchDataset(c, select.value);
    syncOutputUnits(c, info());
    changed({ rerender: true });
  });
  const names = datasetClassNames(info()) || [...Array(10).keys()].map(String);
  const onClasses = () => { syncOutputUnits(c, info()); changed({ rerender: true }); };
  return section('Data',
    h('div.row', h('label.field', h('span', 'dataset'), select),
      numberField('validation split', d, 'validation_split', changed, { step: 0.05, min: 0, max: 0.9, placeholder: '0' }),
      numberField('limit', d, 'limit', changed, { min: 1, placeholder: 'all' })),
    info()?.available === false && info().install_hint ? h('div.warn', info().install_hint) : null,
    classPicker(d, names, onClasses),
    c.description !== undefined ? h('label.field.wide', h('span', 'description'), (() => {
      const i = h('input', { value: c.description, name: 'description', size: 40 });
      i.addEventListener('input', () => { c.description = i.value; changed(); });
      return i;
    })()) : null);
}

function layerRow(b, layer, i) {
  const { changed, layerTypes, layerInfo } = b;
  const layers = b.config.model.layers;
  const type = h('select', { name: `layer-${i}-type`, 'aria-label': `layer ${i + 1} type` },
    layerTypes.map((t) => h('option', { value: t, selected: t === layer.type }, t)));
  if (!layerInfo[layer.type]) type.appendChild(h('option', { value: layer.type, selected: true }, layer.type + ' (unknown)'));
  // A new type starts with its defaults; the layer keeps its name and inputs (its place in the graph).
  type.addEventListener('change', () => {
    const keep = Object.fromEntries(['name', 'inputs'].filter((k) => layer[k] !== undefined).map((k) => [k, layer[k]]));
    layers[i] = { type: type.value, ...keep };
    changed({ rerender: true });
  });
  // The focus follows the moved layer, so ↑ pressed three times moves it three places.
  const move = (d, which) => () => {
    const j = i + d;
    if (j < 0 || j >= layers.length) return;
    beforeReshape(layers);
    [layers[i], layers[j]] = [layers[j], layers[i]];
    const atEdge = j === 0 || j === layers.length - 1;
    changed({ rerender: true, moveTo: ['data-focus', `layer-${j}-${atEdge ? (which === 'up' ? 'down' : 'up') : which}`] });
  };
  const remove = () => {
    beforeReshape(layers);
    layers.splice(i, 1);
    changed({ rerender: true, moveTo: ['data-focus', layers.length ? `layer-${Math.min(i, layers.length - 1)}-remove` : 'add-layer'] });
  };
  const label = `layer ${i + 1} (${layer.type})`;
  return h('div.layer' + (layerInfo[layer.type] ? '' : '.bad'),
    h('span.layer-index', String(i + 1)), type,
    h('div.layer-options', graphFields(layers, i, changed),
      parameterFields(layerInfo[layer.type]?.parameters, layer, () => changed(), { prefix: `layer-${i}-`, skip: ['type', 'name', 'inputs'] })),
    h('div.layer-buttons',
      h('button.icon', { type: 'button', 'aria-label': `move ${label} up`, title: 'move up', 'data-focus': `layer-${i}-up`, onclick: move(-1, 'up'), disabled: i === 0 }, '↑'),
      h('button.icon', { type: 'button', 'aria-label': `move ${label} down`, title: 'move down', 'data-focus': `layer-${i}-down`, onclick: move(1, 'down'), disabled: i === layers.length - 1 }, '↓'),
      h('button.icon', { type: 'button', 'aria-label': `remove ${label}`, title: 'remove', 'data-focus': `layer-${i}-remove`, onclick: remove }, '✕')),
    h('span.layer-shape', { id: `layer-${i}-shape`, dataset: { index: i } }));
}

function modelSection(b) {
  const { changed, layerTypes, layerInfo } = b;
  // A type list and an Add button: a select that acted on "change" added a layer on
  // every ArrowDown.
  const kind = h('select', { name: 'add-layer-type', 'aria-label': 'type of the layer to add' },
    layerTypes.map((t) => h('option', { value: t, title: layerInfo[t].description, selected: t === 'dense' }, t)));
  const add = h('button', { type: 'button', 'data-focus': 'add-layer', onclick: () => {
    const layers = b.config.model.layers;
    // New layers go before the output layer, where they usually belong.
    const at = Math.max(0, layers.length - 1);
    beforeReshape(layers);
    layers.splice(at, 0, { type: kind.value });
    changed({ rerender: true, moveTo: ['name', `layer-${at}-type`] });
  } }, '+ add layer');
  const merge = mergeInserter(b.config.model.layers, layerTypes,
    (at) => changed({ rerender: true, moveTo: ['name', `layer-${at}-inputs`] }));
  return section('Model', h('div.layers', b.config.model.layers.map((l, i) => layerRow(b, l, i))),
    h('div.row', kind, add, h('span.muted', 'inserted before the output layer, whose units follow the number of classes')),
    merge);
}

function trainSection(b) {
  const { changed, optInfo, reg } = b;
  const c = b.config, t = c.train, o = t.optimizer;
  const opt = h('select', { name: 'optimizer' }, reg.optimizers.map((x) => h('option', { value: x.name, selected: x.name === o.type }, x.name)));
  opt.addEventListener('change', () => { t.optimizer = { type: opt.value }; changed({ rerender: true }); });
  return section('Training',
    h('div.row',
      numberField('epochs', t, 'epochs', changed, { min: 1, max: 1000 }),
      numberField('batch size', t, 'batch_size', changed, { min: 1 }),
      numberField('seed', c, 'seed', changed, { min: 0 }),
      h('label.field', h('span', 'name'), (() => {
        const i = h('input', { value: c.name || '', name: 'name', size: 16 });
        i.addEventListener('input', () => { c.name = i.value; changed(); });
        return i;
      })())),
    h('div.row', h('label.field', h('span', 'optimizer'), opt),
      parameterFields(optInfo[o.type]?.parameters, o, () => changed(), { prefix: 'optimizer-' })));
}

// Experiment builder: dataset, class subset, layer list, optimizer, training settings.
// The experiment is kept as the config JSON itself; it is shown, editable, and encoded
// in the URL (#/build?c=...) so a link reproduces it.
import { datasets, getJSON, postJSON, registry } from './api.js';
import { clear, errorBox, h } from './dom.js';
import { parameterFields } from './form.js';
import { presets } from './presets.js';

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

export async function builderView(root, params) {
  const [reg, dsets] = await Promise.all([registry(), datasets()]);
  let examples = [];
  try { examples = (await getJSON('/api/examples')).examples || []; } catch (_) { /* optional */ }
  const allPresets = [
    ...examples.map((e) => ({ id: e.file, title: e.config.name || e.file, question: e.config.description || e.file, config: e.config })),
    ...presets.filter((p) => !examples.some((e) => (e.config.name || '') === p.config.name)),
  ];

  let config;
  try { config = params.get('c') ? decodeConfig(params.get('c')) : clone(allPresets[0].config); }
  catch (_) { config = clone(allPresets[0].config); }

  const layerTypes = reg.layers.map((l) => l.name);
  const layerInfo = Object.fromEntries(reg.layers.map((l) => [l.name, l]));
  const optInfo = Object.fromEntries(reg.optimizers.map((o) => [o.name, o]));
  const datasetByName = Object.fromEntries(dsets.map((d) => [d.name, d]));

  const jsonBox = h('textarea.config-json', { spellcheck: false, rows: 18 });
  const jsonError = h('div.muted');
  const status = h('div.status');
  const form = h('div.builder-form');

  function ensure() {
    config.data ??= {};
    config.model ??= {};
    config.model.layers ??= [];
    config.train ??= {};
    if (typeof config.train.optimizer === 'string') config.train.optimizer = { type: config.train.optimizer };
    config.train.optimizer ??= { type: reg.optimizers[0]?.name || 'sgd' };
  }

  function changed({ rerender = false, fromJson = false } = {}) {
    if (!fromJson) jsonBox.value = JSON.stringify(config, null, 2);
    history.replaceState(null, '', '#/build?c=' + encodeConfig(config));
    if (rerender) render();
  }

  function section(title, ...body) { return h('fieldset', h('legend', title), ...body); }

  function numberField(label, obj, key, { step = 1, min, max, placeholder } = {}) {
    const input = h('input', { type: 'number', step, min, max, value: obj[key] ?? '', placeholder, size: 6, name: key });
    input.addEventListener('input', () => {
      const v = input.value === '' ? undefined : Number(input.value);
      if (v === undefined) delete obj[key]; else obj[key] = v;
      changed();
    });
    return h('label.field', h('span', label), input);
  }

  function dataSection() {
    const d = config.data;
    const select = h('select', { name: 'dataset' },
      dsets.map((ds) => h('option', { value: ds.name, selected: ds.name === d.dataset },
        ds.name + (ds.available === false ? ' (not installed)' : ''))));
    if (d.dataset && !datasetByName[d.dataset]) select.appendChild(h('option', { value: d.dataset, selected: true }, d.dataset + ' (unknown)'));
    select.addEventListener('change', () => { d.dataset = select.value; delete d.classes; changed({ rerender: true }); });
    const info = datasetByName[d.dataset];
    const names = info?.class_names?.length ? info.class_names : [...Array(10).keys()].map(String);
    const chosen = new Set(d.classes || []);
    const boxes = names.map((name, i) => {
      const box = h('input', { type: 'checkbox', checked: chosen.has(i), name: 'class-' + i, value: i });
      box.addEventListener('change', () => {
        const set = new Set(config.data.classes || []);
        if (box.checked) set.add(i); else set.delete(i);
        if (set.size) config.data.classes = [...set].sort((a, b) => a - b); else delete config.data.classes;
        changed({ rerender: true });
      });
      return h('label.class-box', box, name);
    });
    const summary = d.classes?.length
      ? `training on ${d.classes.map((c) => names[c] ?? c).join(', ')} only; the other classes are the unseen set`
      : 'all classes';
    return section('Data',
      h('div.row', h('label.field', h('span', 'dataset'), select),
        numberField('validation split', d, 'validation_split', { step: 0.05, min: 0, max: 0.9, placeholder: '0' }),
        numberField('limit', d, 'limit', { min: 1, placeholder: 'all' })),
      info?.available === false && info.install_hint ? h('div.warn', info.install_hint) : null,
      h('div.classes', boxes), h('div.muted', summary));
  }

  function layerRow(layer, i) {
    const layers = config.model.layers;
    const type = h('select', { name: `layer-${i}-type` }, layerTypes.map((t) => h('option', { value: t, selected: t === layer.type }, t)));
    if (!layerInfo[layer.type]) type.appendChild(h('option', { value: layer.type, selected: true }, layer.type + ' (unknown)'));
    type.addEventListener('change', () => { layers[i] = { type: type.value }; changed({ rerender: true }); });
    const move = (d) => () => {
      const j = i + d;
      if (j < 0 || j >= layers.length) return;
      [layers[i], layers[j]] = [layers[j], layers[i]];
      changed({ rerender: true });
    };
    return h('div.layer' + (layerInfo[layer.type] ? '' : '.bad'),
      h('span.layer-index', String(i)), type,
      h('div.layer-options', parameterFields(layerInfo[layer.type]?.parameters, layer, () => changed())),
      h('div.layer-buttons',
        h('button.icon', { title: 'move up', onclick: move(-1), disabled: i === 0 }, '↑'),
        h('button.icon', { title: 'move down', onclick: move(1), disabled: i === layers.length - 1 }, '↓'),
        h('button.icon', { title: 'remove', onclick: () => { layers.splice(i, 1); changed({ rerender: true }); } }, '✕')));
  }

  function modelSection() {
    const add = h('select', { name: 'add-layer' }, h('option', { value: '' }, '+ add layer…'),
      layerTypes.map((t) => h('option', { value: t, title: layerInfo[t].description }, t)));
    add.addEventListener('change', () => {
      if (!add.value) return;
      const layers = config.model.layers;
      // New layers go before the output layer, where they usually belong.
      layers.splice(Math.max(0, layers.length - 1), 0, { type: add.value });
      changed({ rerender: true });
    });
    return section('Model', h('div.layers', config.model.layers.map(layerRow)), h('div.row', add));
  }

  function trainSection() {
    const t = config.train, o = t.optimizer;
    const opt = h('select', { name: 'optimizer' }, reg.optimizers.map((x) => h('option', { value: x.name, selected: x.name === o.type }, x.name)));
    opt.addEventListener('change', () => { t.optimizer = { type: opt.value }; changed({ rerender: true }); });
    return section('Training',
      h('div.row',
        numberField('epochs', t, 'epochs', { min: 1, max: 1000 }),
        numberField('batch size', t, 'batch_size', { min: 1 }),
        numberField('seed', config, 'seed', { min: 0 }),
        h('label.field', h('span', 'name'), (() => {
          const i = h('input', { value: config.name || '', name: 'name', size: 16 });
          i.addEventListener('input', () => { config.name = i.value; changed(); });
          return i;
        })())),
      h('div.row', h('label.field', h('span', 'optimizer'), opt), parameterFields(optInfo[o.type]?.parameters, o, () => changed())));
  }

  async function submit() {
    clear(status, 'submitting…');
    try {
      const r = await postJSON('/api/runs', config);
      location.hash = '#/run/' + encodeURIComponent(r.id);
    } catch (e) {
      clear(status, errorBox(e));
    }
  }

  function render() {
    ensure();
    clear(form, dataSection(), modelSection(), trainSection(),
      h('div.row.actions', h('button.primary', { onclick: submit, id: 'run-button' }, 'Run experiment'), status));
  }

  jsonBox.addEventListener('input', () => {
    try {
      config = JSON.parse(jsonBox.value);
      clear(jsonError);
      changed({ fromJson: true });
      ensure();
      clear(form, dataSection(), modelSection(), trainSection(),
        h('div.row.actions', h('button.primary', { onclick: submit, id: 'run-button' }, 'Run experiment'), status));
    } catch (e) {
      clear(jsonError, 'JSON: ' + e.message);
    }
  });

  const presetList = h('div.presets', allPresets.map((p) =>
    h('button.preset', { title: p.question, onclick: () => { config = clone(p.config); changed({ rerender: true }); } },
      h('strong', p.title), h('span.muted', p.question))));

  clear(root,
    h('h1', 'Build an experiment'),
    presetList,
    h('div.builder', form, h('div.json-pane', h('h3', 'Config (JSON)'), jsonBox, jsonError,
      h('div.muted', 'The link of this page holds this config. The same file runs with ',
        h('code', 'glassbox run FILE'), '.'))));
  render();
  changed();
}

// The builder's graph editing: a layer's name and the layers it takes ("inputs", as in
// an experiment file: names of other layers, "input" for the model's input; none = the
// previous layer), and inserting a merge layer (add, concatenate, average) that joins two
// layers, as a skip connection does. Names follow the model's own defaults
// (`<type>_<n>`, counted per type), and once a layer names its inputs every layer gets its
// name written into the config before the list changes shape (a move, a removal, an
// insertion), so a default name never starts to mean another layer.
import { h } from './dom.js';

export const kModelInput = 'input';
export const mergeTypes = ['add', 'concatenate', 'average'];

// The names the model gives the layers: explicit ones, else `<type>_<n>` with n counting
// that type's unnamed layers (skipping names already taken by earlier layers).
export function layerNames(layers) {
  const taken = new Set(), counter = {}, out = [];
  for (const l of layers) {
    let name = typeof l?.name === 'string' && l.name ? l.name : null;
    if (!name) do { counter[l?.type] = (counter[l?.type] || 0) + 1; name = `${l?.type}_${counter[l?.type]}`; } while (taken.has(name));
    taken.add(name);
    out.push(name);
  }
  return out;
}

export const isGraph = (layers) => layers.some((l) => Array.isArray(l?.inputs));

// Writes every layer's current name into it (see above).
export function nameLayers(layers) {
  layerNames(layers).forEach((name, k) => { if (!layers[k].name) layers[k].name = name; });
}

// Before a move, removal or insertion: names fixed when the model is a graph.
export function beforeReshape(layers) {
  if (isGraph(layers)) nameLayers(layers);
}

// "c2, stem" -> ['c2', 'stem'].
export const parseInputs = (text) => text.split(/[\s,]+/).filter(Boolean);

// Inserts a merge of layers `a` and `b` (names, or "input") after the later of the two;
// returns its position. The layer that took that one's output (by default) takes the merge.
export function insertMerge(layers, type, a, b) {
  nameLayers(layers);
  const names = layerNames(layers);
  const at = Math.max(names.indexOf(a), names.indexOf(b)) + 1;
  let n = 1;
  while (names.includes(`${type}_${n}`)) ++n;
  layers.splice(at, 0, { type, name: `${type}_${n}`, inputs: [a, b] });
  return at;
}

// Renames layer k and every reference to its old name.
function rename(layers, k, name) {
  const old = layerNames(layers)[k];
  if (name) layers[k].name = name; else delete layers[k].name;
  const now = layerNames(layers)[k];
  for (const l of layers) if (Array.isArray(l.inputs)) l.inputs = l.inputs.map((i) => (i === old ? now : i));
}

// The name and inputs fields of layer row k; changed() after an edit.
export function graphFields(layers, k, changed) {
  const names = layerNames(layers), l = layers[k];
  const name = h('input', { name: `layer-${k}-name`, value: l.name || '', placeholder: names[k], size: 10 });
  name.addEventListener('change', () => { rename(layers, k, name.value.trim()); changed({ rerender: true }); });
  const previous = k === 0 ? kModelInput : names[k - 1];
  const inputs = h('input', { name: `layer-${k}-inputs`, value: Array.isArray(l.inputs) ? l.inputs.join(', ') : '',
    placeholder: previous, size: 14, title: 'the layers it takes, by name, separated by commas ("input": the model\'s input); empty: the previous layer' });
  inputs.addEventListener('input', () => {
    const list = parseInputs(inputs.value);
    if (list.length) l.inputs = list; else delete l.inputs;
    changed();
  });
  return [h('label.field', h('span', 'name'), name), h('label.field', h('span', 'inputs'), inputs)];
}

// The row that inserts a merge of two layers; onInsert(position) after it did.
export function mergeInserter(layers, layerTypes, onInsert) {
  const types = mergeTypes.filter((t) => layerTypes.includes(t));
  if (!types.length || !layers.length) return null;
  const choices = [kModelInput, ...layerNames(layers)];
  const type = h('select', { name: 'merge-type', 'aria-label': 'type of the merge layer' }, types.map((t) => h('option', { value: t }, t)));
  const pick = (which, k) => h('select', { name: `merge-${which}`, 'aria-label': `${which} layer the merge joins` },
    choices.map((c, i) => h('option', { value: c, selected: i === k }, c)));
  const a = pick('first', Math.max(0, choices.length - 2)), b = pick('second', Math.max(0, choices.length - 4));
  const insert = h('button', { type: 'button', 'data-focus': 'insert-merge', onclick: () => {
    if (a.value === b.value) return;
    onInsert(insertMerge(layers, type.value, a.value, b.value));
  } }, '+ insert merge');
  return h('div.row.merge-row', type, h('span', 'of'), a, h('span', 'and'), b, insert,
    h('span.muted', 'joins two layers (a skip connection); inserted after the later one, whose next layer then takes the merge'));
}

// Problems of the layers' inputs: a name that is no layer's.
export function inputProblems(layers) {
  const known = new Set([kModelInput, ...layerNames(layers)]), out = [];
  layers.forEach((l, k) => {
    if (l?.inputs === undefined) return;
    if (!Array.isArray(l.inputs) || !l.inputs.length || l.inputs.some((i) => typeof i !== 'string'))
      return out.push({ key: `model.layers.${k}.inputs`, message: `layer ${k + 1} (${l.type}): inputs must be a list of layer names` });
    for (const i of l.inputs)
      if (!known.has(i))
        out.push({ key: `model.layers.${k}.inputs`, message: `layer ${k + 1} (${l.type}) takes '${i}', which is no layer's name (known: ${[...known].join(', ')})` });
  });
  return out;
}

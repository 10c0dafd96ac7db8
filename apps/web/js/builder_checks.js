// What the builder checks before it lets an experiment run, and the settings it keeps
// consistent by itself (the output layer's units follow the number of classes). Each
// problem names the config key, so the form can mark its field.
import { inputProblems } from './builder_graph.js';

// The names of the dataset's classes, or null when the server does not know them.
export function datasetClassNames(info) {
  return info?.class_names?.length ? info.class_names.map(String) : null;
}

// How many classes the model is trained on: the ticked ones, or all of the dataset's.
export function trainedClassCount(config, info) {
  const classes = config.data?.classes;
  if (Array.isArray(classes) && classes.length) return classes.length;
  return datasetClassNames(info)?.length ?? null;
}

// Index of the output layer when it is a dense layer (the layer whose units are the
// number of classes), else -1. Activation or softmax layers after it are skipped.
export function outputLayerIndex(layers) {
  for (let i = layers.length - 1; i >= 0; --i) {
    const t = layers[i]?.type;
    if (t === 'dense') return i;
    if (!['activation', 'softmax', 'dropout', 'relu', 'sigmoid', 'tanh'].includes(t)) return -1;
  }
  return -1;
}

// Sets the output layer's units to the number of classes; true when it changed them.
export function syncOutputUnits(config, info) {
  const n = trainedClassCount(config, info);
  const layers = config.model?.layers || [];
  const i = outputLayerIndex(layers);
  if (n === null || i < 0 || layers[i].units === n) return false;
  layers[i].units = n;
  return true;
}

const isInt = (v) => Number.isInteger(v);

// [{key, message}] for every setting the server would refuse or that would make the
// result meaningless; empty when the experiment may run.
export function configProblems(config, info) {
  const out = [];
  const add = (key, message) => out.push({ key, message });
  const d = config.data || {}, layers = config.model?.layers || [], t = config.train || {};
  if (!d.dataset) add('data.dataset', 'choose a dataset');
  const n = trainedClassCount(config, info);
  if (n !== null && n < 2)
    add('data.classes', 'a classifier needs at least two classes: tick a second one (with one class every ' +
      'prediction is right, so the accuracy says nothing)');
  const train = new Set(d.classes || []);
  for (const c of d.unseen_classes || [])
    if (train.has(c)) add('data.unseen_classes', `class ${c} is both trained on and unseen: untick one of the two`);
  if (d.unseen_classes && !d.classes?.length)
    add('data.unseen_classes', 'unseen classes need a list of classes to train on: tick the classes to train on');
  if (d.validation_split !== undefined && !(typeof d.validation_split === 'number' && d.validation_split >= 0 && d.validation_split < 1))
    add('data.validation_split', 'the validation split is a fraction: at least 0 and less than 1 (e.g. 0.1)');
  if (!layers.length) add('model.layers', 'add at least one layer');
  layers.forEach((l, i) => {
    for (const k of ['units', 'filters', 'kernel_size'])
      if (l[k] !== undefined && !(isInt(l[k]) && l[k] >= 1 && l[k] <= 1e6))
        add(`model.layers.${i}.${k}`, `layer ${i + 1} (${l.type}): ${k} must be a whole number from 1 to 1,000,000`);
  });
  out.push(...inputProblems(layers));
  const o = outputLayerIndex(layers);
  if (n !== null && o >= 0 && layers[o].units !== undefined && layers[o].units !== n)
    add(`model.layers.${o}.units`, `the output layer (layer ${o + 1}) has ${layers[o].units} units for ${n} classes`);
  if (t.epochs !== undefined && !(isInt(t.epochs) && t.epochs >= 1 && t.epochs <= 1000))
    add('train.epochs', 'epochs: a whole number from 1 to 1000');
  if (t.batch_size !== undefined && !(isInt(t.batch_size) && t.batch_size >= 1 && t.batch_size <= 65536))
    add('train.batch_size', 'batch size: a whole number from 1 to 65536');
  return out;
}

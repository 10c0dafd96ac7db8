// The builder's class choice: which classes the model is trained on, and which are
// "unseen" (never trained on; their test images are the unseen set of the novelty
// study). A class is in at most one of the two lists; the summary under the boxes says
// exactly what will happen, including the default unseen set.
import { h } from './dom.js';

function toggle(d, names, list, i, on) {
  const all = names.map((_, k) => k);
  let classes = new Set(d.classes?.length ? d.classes : all);
  let unseen = new Set(d.unseen_classes || []);
  if (list === 'train') {
    if (!d.classes?.length) classes = new Set();  // nothing ticked meant "all": start a list
    if (on) { classes.add(i); unseen.delete(i); } else classes.delete(i);
  } else if (on) {
    unseen.add(i); classes.delete(i);
  } else {
    unseen.delete(i);
  }
  const sorted = (s) => [...s].sort((a, b) => a - b);
  if (classes.size) d.classes = sorted(classes); else delete d.classes;
  if (!d.classes) unseen = new Set();  // training on all classes leaves none unseen
  if (unseen.size) d.unseen_classes = sorted(unseen); else delete d.unseen_classes;
}

function summary(d, names) {
  const name = (c) => names[c] ?? String(c);
  if (!d.classes?.length) return `training on all ${names.length} classes (tick classes to train on fewer)`;
  const trained = d.classes.map(name).join(', ');
  const rest = names.map((_, k) => k).filter((k) => !d.classes.includes(k));
  const unseen = d.unseen_classes?.length ? d.unseen_classes : rest;
  const unused = rest.filter((k) => !unseen.includes(k));
  return `training on ${trained} (${d.classes.length} output units); unseen set: ` +
    (unseen.length ? unseen.map(name).join(', ') : 'none') +
    (d.unseen_classes?.length ? '' : ' (by default every class not trained on)') +
    (unused.length ? `; not used: ${unused.map(name).join(', ')}` : '');
}

// d: the config's data section (mutated); onchange() after each toggle.
export function classPicker(d, names, onchange) {
  const row = (list, legend, isOn) => h('fieldset.classes', h('legend', legend),
    names.map((label, i) => {
      const box = h('input', { type: 'checkbox', checked: isOn(i), name: `${list === 'train' ? 'class' : 'unseen'}-${i}`, value: i });
      box.addEventListener('change', () => { toggle(d, names, list, i, box.checked); onchange(); });
      return h('label.class-box', box, label);
    }));
  const trained = new Set(d.classes || []), unseen = new Set(d.unseen_classes || []);
  return h('div.class-picker',
    row('train', 'train on', (i) => trained.has(i)),
    row('unseen', 'unseen (held out for the novelty study)', (i) => unseen.has(i)),
    h('div#class-summary.muted', summary(d, names)));
}

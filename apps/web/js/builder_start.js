// The builder's first screen: the networks already trained here (to look inside at once,
// without waiting for a run) and the starting points, each said in plain words: what it
// learns, what it keeps away, what kind of network, how long it trains.
import { getJSON } from './api.js';
import { clear, h, pct } from './dom.js';

const clone = (x) => JSON.parse(JSON.stringify(x));
const list = (xs) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

// "Learns to tell 1 and 3 apart; never sees the 2s, to find out what it does with them.
// A small convolutional network (7 layers), 3 passes over the training images."
export function presetSummary(config) {
  const d = config.data || {}, layers = config.model?.layers || [], epochs = config.train?.epochs ?? 5;
  const learns = d.classes?.length ? `Learns to tell ${list(d.classes.map(String))} apart` : 'Learns every class of the dataset';
  const unseen = d.unseen_classes?.length
    ? `; never sees the ${list(d.unseen_classes.map((c) => `${c}s`))}, to find out what it does with them` : '';
  const conv = layers.some((l) => /conv/.test(l.type || ''));
  const kind = conv ? 'A small convolutional network' : 'A network of fully connected layers';
  return `${learns}${unseen}. ${kind} (${layers.length} layers), ${epochs} pass${epochs === 1 ? '' : 'es'} over the training images.`;
}

export function presetList(allPresets, b) {
  return h('div.presets', allPresets.map((p) =>
    h('button.preset', { type: 'button', title: p.question, onclick: () => b.setConfig(clone(p.config)) },
      h('strong', p.title), h('span.preset-question', p.question), h('span.muted', presetSummary(p.config)))));
}

// Trained runs with a model, newest first (filled in when the list arrives; the form does
// not wait for it).
export function trainedRunsBox(max = 3) {
  const box = h('section#trained-runs.start-box', { 'aria-label': 'trained networks' });
  getJSON('/api/runs').then(({ runs }) => {
    const ready = runs.filter((r) => r.has_model && r.state === 'done').slice(0, max);
    if (!ready.length) {
      clear(box, h('p.muted', 'No network is trained here yet: pick a starting point below and press Run. ' +
        'Training takes from seconds to a few minutes; the run page shows it learn.'));
      return;
    }
    clear(box, h('h2', 'Look at a trained network'),
      h('p.muted', 'Inside shows what every layer computes for one image; Signatures shows from which layer ' +
        'on the classes differ and what the network does with a class it never saw.'),
      h('ul.trained', ready.map((r) => h('li',
        h('a.button', { href: `#/inside/${encodeURIComponent(r.id)}` }, `look inside ${r.name || r.id}`), ' ',
        r.has_signatures ? h('a', { href: `#/signatures/${encodeURIComponent(r.id)}` }, 'signatures') : null,
        h('span.muted', ` ${r.dataset || ''}${r.classes ? ' · classes ' + r.classes.join(', ') : ''} · test accuracy ${pct(r.test_accuracy)}`)))));
  }).catch(() => clear(box));
  return box;
}

// The builder's dry run: POST /api/check builds the model for the dataset's sample shape
// without training (a refused config is its answer: {valid: false, error}), and each layer's row shows its output shape and parameter count
// ("→ 16 · 12,560 params"); a layer that does not fit gets the server's message. Asked
// a moment after the last edit (typing does not send a request per key), only for a
// config that passes the page's own checks; an answer for an older config is dropped.
import { postJSON } from './api.js';
import { clear, h } from './dom.js';

const kDelayMs = 250;

export const shapeText = (shape) => (Array.isArray(shape) ? shape.join('×') : '?');
export const count = (n) => Number(n).toLocaleString('en-US');

// The config key an error message names ("request: model.layers.2 (conv2d_3, ...): ...").
export function errorKey(message) {
  const m = /model\.layers\.(\d+)/.exec(message);
  if (m) return `model.layers.${m[1]}`;
  const k = /^request: ((?:data|train|model)\.\w+)/.exec(message);
  return k ? k[1] : 'server';
}

// onresult({problems: [{key, message}]}) after each answer (an empty list when it fits).
export function shapeChecker(form, summary, onresult) {
  let timer = null, asked = 0, result = null, pending = false;

  function show() {
    for (const el of form.querySelectorAll('.layer-shape')) {
      const l = result?.layers?.[Number(el.dataset.index)];
      el.textContent = l ? `→ ${shapeText(l.output_shape)} · ${count(l.params)} params` : result?.error ? '' : '…';
    }
    if (!result) clear(summary, 'checking the shapes…');
    else if (result.error) clear(summary, h('span.bad-text', 'shape check: ' + result.error));
    else clear(summary, `input ${shapeText(result.input_shape)} → output ${shapeText(result.output_shape)} · ` +
      `${count(result.params)} parameters in all (checked by the server, nothing trained)`);
  }

  async function ask(config, mine) {
    let r, refused = false;
    try {
      r = await postJSON('/api/check', config);
      refused = r.valid === false;
    } catch (e) {
      r = { error: e.message };  // the server away: shown, but not a problem of this config
    }
    if (mine !== asked) return;
    const raw = r.error;
    result = raw ? { ...r, error: raw.replace(/^request: /, '') } : r;
    pending = false;
    show();
    onresult({ problems: refused ? [{ key: errorKey(raw), message: result.error }] : [] });
  }

  return {
    // A new config: forget the old answer, ask again shortly (or not at all when the page's
    // own checks already fail: their list says what to fix first).
    schedule(config, locallyValid) {
      const mine = ++asked;
      clearTimeout(timer);
      result = null;
      pending = locallyValid;
      if (!locallyValid) { clear(summary); for (const el of form.querySelectorAll('.layer-shape')) el.textContent = ''; return; }
      show();
      const copy = JSON.parse(JSON.stringify(config));
      timer = setTimeout(() => ask(copy, mine), kDelayMs);
    },
    // After the form was rebuilt: the rows are new, the answer is the same.
    redraw() { if (result || pending) show(); },
  };
}

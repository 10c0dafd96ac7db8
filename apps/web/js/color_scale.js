// Fixed colour scales for tables of numbers (class × class matrices, confusion
// matrices) and the colour bar that states a scale's range. A scale is fixed per kind of
// value (a similarity in [-1, 1], an accuracy in [0.5, 1]), never stretched to one
// matrix's own minimum and maximum, so equal shades mean equal values across matrices.
import { h } from './dom.js';

const num = (v) => String(Number(v.toPrecision(3)));

// The range a kind of matrix is drawn on. `all` is every value of that kind on the page
// (used only for unbounded kinds, which then share one scale across layers).
export function matrixRange(kind, all) {
  const finite = all.filter((v) => typeof v === 'number' && isFinite(v));
  const min = finite.length ? Math.min(...finite) : 0;
  if (kind === 'correlation') return [-1, 1];
  if (kind === 'cosine') return min < 0 ? [-1, 1] : [0, 1];
  if (kind === 'hamming' || kind === 'jaccard' || kind === 'share') return [0, 1];
  if (/accuracy/.test(kind)) return [0.5, 1];
  return [Math.min(0, min), Math.max(...finite, 1e-12)];
}

const lowColour = [239, 246, 255], highColour = [30, 64, 175];

// The background and text colour of value v on the scale [lo, hi] (clamped).
export function shade(v, lo, hi) {
  if (typeof v !== 'number' || !isFinite(v)) return {};
  const t = Math.min(1, Math.max(0, hi > lo ? (v - lo) / (hi - lo) : 0));
  const c = lowColour.map((a, k) => Math.round(a + t * (highColour[k] - a)));
  // Black or white text, whichever contrasts more: at least 4.5:1 on every shade.
  return { background: `rgb(${c.join(',')})`, color: luminance(c) > 0.179 ? '#000' : '#fff' };
}

function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// A horizontal colour bar "lo ▭▭▭ hi" with what the colour means.
export function colorBar(lo, hi, label, { gradient = null, loText = null, hiText = null } = {}) {
  const g = gradient || `linear-gradient(to right, rgb(${lowColour.join(',')}), rgb(${highColour.join(',')}))`;
  return h('div.color-bar', { role: 'img', 'aria-label': `colour scale for ${label}: ${loText ?? num(lo)} to ${hiText ?? num(hi)}` },
    h('span.color-bar-label', label), h('span.color-bar-end', loText ?? num(lo)),
    h('span.color-bar-ramp', { style: { background: g } }), h('span.color-bar-end', hiText ?? num(hi)));
}

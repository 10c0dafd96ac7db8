// Keyboard focus: kept across a view's re-renders (a rebuilt form must not drop the
// user to <body>), and arrow keys between the unit buttons of a group (thumbnails,
// channel tiles, heatmaps), which are laid out as a wrapping grid.

// A stable key for the focused element inside `root`: its data-focus, name or id.
export function focusedKey(root) {
  const a = document.activeElement;
  if (!a || a === document.body || !root.contains(a)) return null;
  if (a.dataset.focus) return ['data-focus', a.dataset.focus];
  if (a.name) return ['name', a.name];
  if (a.id) return ['id', a.id];
  return null;
}

// Focuses the element with that key again (or `fallback`, a key of the same form, when
// the element is gone, e.g. a removed layer's button).
export function restoreFocus(root, key, fallback = null) {
  for (const k of [key, fallback]) {
    if (!k) continue;
    const [attr, value] = k;
    const el = attr === 'id' ? root.querySelector('#' + CSS.escape(value))
      : root.querySelector(`[${attr}="${CSS.escape(value)}"]`);
    if (el && !el.disabled) { el.focus(); return el; }
  }
  return null;
}

// Re-renders `root` with `render()` and puts the focus back where it was, or on the
// element with key `moveTo` (e.g. the moved layer's button at its new place).
export function keepingFocus(root, render, moveTo = null) {
  const key = focusedKey(root);
  render();
  if (key || moveTo) restoreFocus(root, moveTo ?? key, key);
}

// The item one step away from `from` in direction `dir` in a wrapping grid of items:
// left/right in reading order, up/down the nearest item of the next row above or below.
function neighbour(items, from, dir) {
  const i = items.indexOf(from);
  if (dir === 'ArrowLeft') return items[i - 1];
  if (dir === 'ArrowRight') return items[i + 1];
  if (dir === 'Home') return items[0];
  if (dir === 'End') return items[items.length - 1];
  const r = from.getBoundingClientRect(), cx = r.left + r.width / 2;
  const down = dir === 'ArrowDown';
  let best = null, bestRow = Infinity, bestDx = Infinity;
  for (const it of items) {
    const q = it.getBoundingClientRect();
    const dy = down ? q.top - r.top : r.top - q.top;
    if (dy <= 2) continue;
    const dx = Math.abs(q.left + q.width / 2 - cx);
    if (dy < bestRow - 2 || (Math.abs(dy - bestRow) <= 2 && dx < bestDx)) { best = it; bestRow = dy; bestDx = dx; }
  }
  return best;
}

// Arrow keys (and Home/End) move the focus between the `selector` items of `container`.
export function arrowKeys(container, selector) {
  container.addEventListener('keydown', (e) => {
    if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) return;
    const from = e.target.closest(selector);
    if (!from || !container.contains(from)) return;
    const next = neighbour([...container.querySelectorAll(selector)], from, e.key);
    if (next) { e.preventDefault(); next.focus(); }
  });
  return container;
}

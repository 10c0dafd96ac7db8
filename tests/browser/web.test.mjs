// End-to-end test of the web page in Debian's chromium, driven by playwright-core:
// build an experiment (digits 1 and 3, one epoch), run it, watch the curve update over
// Server-Sent Events, look inside, look at the relevance heatmaps, open the signatures
// (divergence layer, novelty table) of a second run with a signature study, the runs list
// and the comparison of both; canvases must be drawn and the console must stay clean.
// Run by scripts/test-browser.sh, which starts `glassbox serve` and sets GLASSBOX_URL.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.env.GLASSBOX_URL;
const shots = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
const dataset = process.env.GLASSBOX_TEST_DATASET || 'mnist-digits-small';
let context, page, profile;
const problems = [];

// Non-background pixels of every canvas matching `selector` (summed).
async function inkedPixels(selector) {
  return page.evaluate((sel) => {
    let n = 0;
    for (const c of document.querySelectorAll(sel)) {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let k = 0; k < d.length; k += 4) if (d[k] !== d[0] || d[k + 1] !== d[1] || d[k + 2] !== d[2]) ++n;
    }
    return n;
  }, selector);
}

async function shot(name) {
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
}

before(async () => {
  assert.ok(base, 'GLASSBOX_URL must point at a running glassbox serve');
  mkdirSync(shots, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'glassbox-chromium-'));
  // A fresh profile folder per run (playwright passes it as --user-data-dir).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.setDefaultTimeout(60000);
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

let runId = null;
let sigRunId = null;

async function api(path, init) {
  const res = await fetch(base + path, init);
  const body = await res.json();
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

// A second run, submitted through the API: digits 1 and 3 with the 2s as the unseen class
// and a signature study, for the signatures view and the comparison.
async function startSignatureRun() {
  const exp = {
    name: 'browser-signatures', seed: 5,
    data: { dataset, classes: [1, 3], unseen_classes: [2], normalize: 'scale' },
    model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2 }],
      loss: 'sparse_categorical_crossentropy' },
    train: { epochs: 1, batch_size: 64, optimizer: { type: 'adam', learning_rate: 0.001 } },
    signatures: { threshold: 0.0, separability_threshold: 0.9, relevance: false },
  };
  const r = await api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(exp) });
  return r.id;
}

async function waitDone(id) {
  for (let i = 0; i < 2400; ++i) {
    const d = await api('/api/runs/' + encodeURIComponent(id));
    if (d.state === 'done') return d;
    assert.ok(!['failed', 'cancelled'].includes(d.state), `run ${id}: ${d.state} ${JSON.stringify(d.job?.error ?? '')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`run ${id} did not finish`);
}

// The page's own navigation timing, from the request's start, on a cold browser profile:
// the load event (every module parsed and run), and the moment the builder's run button
// exists (registry, datasets and examples fetched, the form drawn). Measured on the 2-core
// development machine while it compiled: load 0.8-1.3 s, builder ready 2.1-2.4 s.
// Bounds: load 2 s, builder ready 3 s.
const kLoadBoundMs = 2000;
const kReadyBoundMs = 3000;
test('the page loads within its bounds from localhost (navigation timing)', async () => {
  await page.goto(base + '/#/build', { waitUntil: 'load' });
  await page.waitForSelector('#run-button');
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, ready: performance.now() };
  });
  console.log(`# navigation timing: DOMContentLoaded ${t.dom.toFixed(0)} ms, load ${t.load.toFixed(0)} ms, ` +
    `builder ready by ${t.ready.toFixed(0)} ms (bounds ${kLoadBoundMs} / ${kReadyBoundMs} ms)`);
  assert.ok(t.load > 0 && t.load < kLoadBoundMs, `load event at ${t.load.toFixed(0)} ms`);
  assert.ok(t.ready < kReadyBoundMs, `builder ready by ${t.ready.toFixed(0)} ms`);
});

test('build an experiment on digits 1 and 3, run it, see the curve over SSE', async () => {
  // Start from the brief's preset and set what this test needs through the form.
  await page.selectOption('select[name=dataset]', dataset);
  // Each click re-renders the form, so elements are looked up afresh every time.
  for (let i = 0; i < 10; ++i) {
    const box = page.locator(`input[name=class-${i}]`);
    if (await box.count() && (await box.isChecked()) !== (i === 1 || i === 3)) await box.click();
  }
  await page.fill('input[name=epochs]', '1');
  const config = JSON.parse(await page.inputValue('.config-json'));
  assert.deepEqual(config.data.classes, [1, 3]);
  assert.equal(config.train.epochs, 1);
  assert.match(page.url(), /#\/build\?c=/);  // the config travels in the URL
  await page.click('#run-button');
  await page.waitForFunction(() => location.hash.startsWith('#/run/'));  // a hash change fires no load event
  sigRunId = await startSignatureRun();  // queued behind this one
  await shot('builder-submitted');
  runId = decodeURIComponent(page.url().split('#/run/')[1]);
  await page.waitForSelector('.state.done', { timeout: 240000 });
  const counts = await page.evaluate(() => window.glassboxEventCounts);
  assert.ok((counts.job || 0) >= 1, 'job state events arrived over SSE: ' + JSON.stringify(counts));
  assert.ok((counts.batch || 0) + (counts.epoch || 0) >= 1, 'progress events arrived: ' + JSON.stringify(counts));
  await page.waitForSelector('#test-accuracy');
  await page.waitForSelector('.chart.drawn');
  assert.ok(await inkedPixels('.chart canvas') > 100, 'the loss/accuracy curves are drawn');
  await shot('run');
});

test('inside the network: activations drawn, a neuron explained, a drawn digit predicted', async () => {
  await page.goto(`${base}/#/inside/${encodeURIComponent(runId)}`);
  await page.waitForSelector('.layer-view canvas');
  await page.waitForSelector('#prediction');
  assert.ok(await inkedPixels('.layer-view canvas') > 50, 'activation canvases have pixels');
  await page.click('.layer-view canvas.map');
  await page.waitForSelector('.neuron-panel table.rates');
  await page.waitForSelector('.neuron-panel .tops canvas');
  // Draw a vertical stroke (a "1") on the pad.
  const pad = await page.$('canvas.drawpad');
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.85, { steps: 12 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('.inside-result .muted')?.textContent.includes('forward pass'));
  await shot('inside');
});

test('relevance: one LRP heatmap per output class', async () => {
  const reg = await (await fetch(base + '/api/registry')).json();
  await page.goto(`${base}/#/relevance/${encodeURIComponent(runId)}`);
  await page.waitForSelector('canvas.heatmap');
  await page.waitForFunction(() => document.querySelectorAll('canvas.heatmap').length === 2);
  assert.ok(await inkedPixels('canvas.heatmap') > 20, 'heatmaps have pixels');
  await page.selectOption('select[name=composite]', reg.relevance.composites.find((c) => c !== reg.relevance.default) || reg.relevance.default);
  await page.waitForSelector('canvas.heatmap');
  await shot('relevance');
});

test('signatures view shows the divergence layer and the novelty table of the run', async () => {
  const detail = await waitDone(sigRunId);
  let sig = detail.signatures;
  if (sig?.too_large) sig = await api(`/api/runs/${encodeURIComponent(sigRunId)}/files/signatures.json`);
  assert.equal(sig?.format, 'glassbox-signatures/1', 'the run has a signature study');
  await page.goto(`${base}/#/signatures/${encodeURIComponent(sigRunId)}`);
  await page.waitForSelector('div.signatures td.divergence');
  assert.equal(await page.$('main .error'), null, 'no error box');
  // The divergence table: one row per class pair, the layer as signatures.json names it.
  const shown = await page.$$eval('td.divergence', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(shown, sig.divergence.pairs.map((d) => String(d.layer ?? 'never')));
  // The unseen class (the 2s): heading, and a novelty table with one row per layer whose
  // AUROC cells are the study's figures.
  const g = sig.unseen[0];
  assert.ok(g, 'the study has an unseen class');
  const heading = page.locator('h3', { hasText: `Unseen: ${g.name} (${g.count} inputs)` });
  assert.equal(await heading.count(), 1, `heading for the unseen class ${g.name}`);
  const table = await page.evaluate(() => {
    const t = [...document.querySelectorAll('div.signatures table')].find((x) => x.textContent.includes('nearest class signature'));
    return t && [...t.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent));
  });
  assert.ok(table, 'a novelty table');
  const methods = Object.keys(g.layers[0].scores);
  assert.ok(methods.length > 0, 'novelty methods');
  assert.deepEqual(table[0].slice(-methods.length), methods.map((m) => m + ' AUROC'));
  assert.equal(table.length - 1, g.layers.length, 'one row per layer');
  g.layers.forEach((l, i) => {
    assert.equal(table[i + 1][0], String(l.layer));
    methods.forEach((m, j) => {
      const cell = Number(table[i + 1][table[i + 1].length - methods.length + j]);
      assert.ok(Math.abs(cell - l.scores[m].auroc) <= 0.0005 + 1e-9, `${l.layer} ${m}: ${cell} vs ${l.scores[m].auroc}`);
    });
  });
  await shot('signatures');
});

test('runs list and comparison of two runs', async () => {
  await page.goto(`${base}/#/runs`);
  for (const id of [runId, sigRunId]) {
    await page.waitForSelector(`a[href="#/run/${encodeURIComponent(id)}"]`);
    await page.check(`input[aria-label="select ${id}"]`);
  }
  await shot('runs');
  await page.click('#compare-button');
  await page.waitForSelector('table.compare');
  assert.match(page.url(), /#\/compare\?ids=/);
  const heads = await page.$$eval('table.compare thead a', (as) => as.map((a) => a.textContent));
  assert.deepEqual(heads.sort(), [runId, sigRunId].sort());
  // Each run's column holds its own figures: the dataset row names it for both.
  const datasetCells = await page.$$eval('table.compare tbody tr', (trs) =>
    [...trs.find((tr) => tr.firstChild.textContent === 'dataset').querySelectorAll('td')].map((td) => td.textContent));
  assert.deepEqual(datasetCells, [dataset, dataset]);
  assert.ok(await page.$$eval('.charts canvas', (cs) => cs.length) >= 1, 'the comparison draws its curves');
  await shot('compare');
});

test('no console errors', () => {
  assert.deepEqual(problems, []);
});

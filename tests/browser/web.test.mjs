// End-to-end test of the web page in Debian's chromium, driven by playwright-core:
// build an experiment (digits 1 and 3, one epoch), run it, watch the curve update over
// Server-Sent Events, look inside, look at the relevance heatmaps, open the signatures
// (divergence layer, novelty table) of a second run with a signature study, the runs list
// and the comparison of both; canvases must be drawn and the console must stay clean.
// Then one test per bug of the page's review (each replays its steps and asserts what the
// page shows), keyboard use, axe-core on every view and the layout at 390 px.
// Run by scripts/test-browser.sh, which starts `glassbox serve` and sets GLASSBOX_URL.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.env.GLASSBOX_URL;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(repo, 'docs', 'screenshots');
const axeSource = readFileSync(join(repo, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
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
  // The page never uses alert/confirm: a native dialog is a bug (it was Cancel's answer).
  page.on('dialog', (d) => { problems.push('native dialog: ' + d.message()); d.dismiss(); });
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
    projection: { samples: 300, unseen_samples: 100, components: 8 },
    similarity: { samples: 200 },
    concepts: { samples: 8, top_k: 3 },
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
// the load event (the router's modules parsed and run; each view's modules are loaded
// when it is first shown), and the moment the builder's run button exists (its modules,
// registry, datasets and examples fetched, the form drawn). Measured on the 2-core
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
  assert.equal(config.model.layers.at(-1).units, 2, 'the output layer follows the two classes');
  assert.equal(config.data.unseen_classes, undefined, 'no hidden unseen classes from the preset');
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
  // The header was drawn while the job was queued or loading its data (no config.json
  // yet): it must show the run's settings, not "0 layers · 1 epochs · batch –".
  assert.equal(await page.textContent('#run-settings'),
    `${dataset} classes 1, 3 · ${config.model.layers.length} layers · 1 epochs · batch ${config.train.batch_size} · adam`);
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
  const heading = page.locator('h2', { hasText: `Unseen: ${g.name} (${g.count} inputs)` });
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

// The projection view against the run's own files: one dot per held-out input and one
// cross per unseen input, the rightmost dot the input with the largest first PCA
// coordinate; a click links that input; UMAP (umap-js in the page) draws the same
// picture twice.
test('projection view: points where PCA puts them, a click opens the input, UMAP is seeded', async () => {
  await waitDone(sigRunId);
  const id = encodeURIComponent(sigRunId);
  const st = await api(`/api/runs/${id}/files/projection.json`);
  const layer = st.layers.at(-1);
  const coords = await npyMatrix(sigRunId, layer.coords);
  const inputs = await npyInts(sigRunId, st.arrays.inputs);
  await page.goto(`${base}/#/projection/${id}`);
  await page.waitForSelector('svg.projection-plot');
  const points = () => page.$$eval('svg.projection-plot .point', (els) => els.map((e) => ({
    tag: e.tagName, split: e.dataset.split, index: Number(e.dataset.index),
    x: e.tagName === 'circle' ? Number(e.getAttribute('cx')) : null, y: e.tagName === 'circle' ? Number(e.getAttribute('cy')) : null })));
  const pts = await points();
  const dots = pts.filter((p) => p.tag === 'circle'), crosses = pts.filter((p) => p.tag === 'path');
  assert.equal(dots.length, st.samples);
  assert.equal(crosses.length, st.unseen_samples);
  assert.ok(crosses.every((p) => p.split === 'unseen'));
  const k = coords.shape[1];
  let best = 0;
  for (let i = 1; i < coords.shape[0]; ++i) if (coords.data[i * k] > coords.data[best * k]) best = i;
  const right = dots.reduce((a, b) => (b.x > a.x ? b : a));
  assert.equal(right.index, inputs[best], 'the rightmost dot is the largest first coordinate');
  await page.locator(`svg.projection-plot circle.point[data-index="${inputs[best]}"]`).dispatchEvent('click');
  assert.equal(await page.getAttribute('#open-inside', 'href'), `#/inside/${id}?split=test&index=${inputs[best]}`);
  assert.equal(await page.getAttribute('#open-relevance', 'href'), `#/relevance/${id}?split=test&index=${inputs[best]}`);
  const umap = async () => {
    await page.goto(`${base}/#/projection/${id}?method=umap&layer=${encodeURIComponent(layer.name)}`);
    await page.waitForFunction(() => /UMAP \(umap-js/.test(document.querySelector('.projection')?.textContent || ''));
    return points();
  };
  const a = await umap(), b = await umap();
  assert.equal(a.length, st.samples + st.unseen_samples);
  assert.deepEqual(a, b, 'the same seed, the same embedding');
  assert.notDeepEqual(a.filter((p) => p.tag === 'circle').map((p) => p.x), dots.map((p) => p.x), 'UMAP is not the PCA picture');
  await shot('projection');
});

// The layers view against the run's own files: every CKA cell of similarity.json with the
// layer names on the axes, and per class the top concepts of each layer in concepts.json's
// order, with the path graph the run drew.
test('layers view: the CKA matrix of similarity.json and the concept path of each class', async () => {
  await waitDone(sigRunId);
  const id = encodeURIComponent(sigRunId);
  const sim = await api(`/api/runs/${id}/files/similarity.json`);
  const con = await api(`/api/runs/${id}/files/concepts.json`);
  await page.goto(`${base}/#/layers/${id}`);
  await page.waitForSelector('#cka-matrix');
  const cells = await page.$$eval('#cka-matrix td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(cells, sim.cka.flat().map((v) => (typeof v === 'number' ? v.toFixed(2) : '–')));
  const rows = await page.$$eval('#cka-matrix th[scope=row]', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(rows, sim.layers.map((l) => l.name));
  assert.ok(con.classes.length >= 2, 'a concept path per class');
  for (const [i, c] of con.classes.entries()) {
    await page.selectOption('#concept-class', { value: String(i) });
    const shown = await page.$$eval('#concept-layers tr', (trs) => trs.slice(1).map((tr) =>
      [...tr.querySelectorAll('.concept')].map((s) => Number(s.dataset.concept))));
    assert.deepEqual(shown, c.layers.map((l) => l.top.map((t) => t.concept)), `class ${c.name}`);
    // A chain: all of the relevance flows through every layer.
    assert.deepEqual(await page.$$eval('#concept-layers td.through', (tds) => tds.map((td) => td.textContent)),
      c.layers.map((l) => `${(100 * l.through_share).toFixed(1)}%`));
    assert.ok(c.layers.every((l) => Math.abs(l.through_share - 1) < 1e-4), JSON.stringify(c.layers.map((l) => l.through_share)));
    await page.waitForFunction(() => document.querySelector('img.concept-graph')?.naturalWidth > 0);
  }
  await shot('layers');
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
    [...trs.find((tr) => tr.dataset.label === 'dataset').querySelectorAll('td')].map((td) => td.textContent));
  assert.deepEqual(datasetCells, [dataset, dataset]);
  assert.ok(await page.$$eval('.charts canvas', (cs) => cs.length) >= 1, 'the comparison draws its curves');
  await shot('compare');
});

// ---- The review's bugs, each replayed in the page ----

const json = (obj) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(obj) });
const encode = (config) => Buffer.from(JSON.stringify(config)).toString('base64url');
// Clicks a checkbox into the wanted state (each click rebuilds the form: look it up afresh).
async function tick(name, on = true) {
  const box = page.locator(`input[name=${name}]`);
  if ((await box.isChecked()) !== on) await box.click();
  assert.equal(await page.locator(`input[name=${name}]`).isChecked(), on, name);
}
const configBox = async () => JSON.parse(await page.inputValue('.config-json'));
const layerTypes = () => page.$$eval('.layer select[name$="-type"]', (ss) => ss.map((s) => s.value));
const focused = () => page.evaluate(() => {
  const a = document.activeElement;
  return a === document.body ? 'body' : a.dataset.focus || a.name || a.id || a.tagName;
});

// A small dense experiment: fast, and with a layer list that is easy to compare.
function denseExperiment(name, { epochs = 1, limit, extra = {} } = {}) {
  return {
    name, seed: 3,
    data: { dataset, classes: [1, 3], normalize: 'scale', ...(limit ? { limit } : {}) },
    model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2 }],
      loss: 'sparse_categorical_crossentropy' },
    train: { epochs, batch_size: 64, optimizer: { type: 'adam', learning_rate: 0.001 } },
    ...extra,
  };
}

async function axeViolations() {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`);
  });
}

// Bug 2 (and 5): switching the dataset or the classes keeps no hidden settings; the
// output units follow the classes; there is a field for unseen classes; one class is refused.
test('builder: a dataset switch drops the old classes, unseen classes and description; units follow the classes', async () => {
  const dsets = (await api('/api/datasets')).datasets;
  const other = dsets.find((d) => d.name === 'fashion-mnist') || dsets.find((d) => d.name !== dataset && d.class_names?.length >= 4);
  await page.goto(`${base}/#/build`);
  await page.waitForSelector('#run-button');
  const start = await configBox();
  assert.deepEqual(start.data.unseen_classes, [2], 'the first preset holds out the 2s');
  assert.ok(start.description, 'and has a description');
  await page.selectOption('select[name=dataset]', other.name);
  let c = await configBox();
  assert.equal(c.data.dataset, other.name);
  assert.equal(c.data.unseen_classes, undefined, 'unseen classes of the old dataset are gone');
  assert.equal(c.data.classes, undefined);
  assert.equal(c.description, undefined, 'the old description is gone');
  assert.equal(c.model.layers.at(-1).units, other.class_names.length, 'output units = the new dataset\'s classes');
  // Train on 1 and 3, hold out 2 through the unseen field.
  await tick('class-1');
  await tick('class-3');
  await tick('unseen-2');
  c = await configBox();
  assert.deepEqual(c.data.classes, [1, 3]);
  assert.deepEqual(c.data.unseen_classes, [2]);
  assert.equal(c.model.layers.at(-1).units, 2);
  const names = other.class_names;
  assert.equal(await page.textContent('#class-summary'),
    `training on ${names[1]}, ${names[3]} (2 output units); unseen set: ${names[2]}; not used: ` +
    names.filter((_, k) => ![1, 2, 3].includes(k)).join(', '));
  // Ticking 2 to train on moves it out of the unseen set: never in both lists.
  await tick('class-2');
  c = await configBox();
  assert.deepEqual(c.data.classes, [1, 2, 3]);
  assert.equal(c.data.unseen_classes, undefined);
  assert.equal(c.model.layers.at(-1).units, 3);
  // Unticking down to one class: Run is refused with the reason (bug 5's "100%" run).
  await tick('class-1', false);
  await tick('class-2', false);
  assert.deepEqual((await configBox()).data.classes, [3]);
  assert.equal(await page.isDisabled('#run-button'), true);
  assert.match(await page.textContent('#problems'), /at least two classes/);
  assert.equal(await page.getAttribute('input[name=class-3]', 'aria-invalid'), 'true', 'the field is marked');
  // Unticking the last one trains on all classes again, with as many output units.
  await tick('class-3', false);
  c = await configBox();
  assert.equal(c.data.classes, undefined);
  assert.equal(c.model.layers.at(-1).units, names.length);
  assert.equal(await page.isDisabled('#run-button'), false);
  // The builder's config is one the server accepts (then cancelled: no need to train it).
  const r = await api('/api/runs', json({ ...c, train: { ...c.train, epochs: 1 } }));
  await fetch(`${base}/api/jobs/${encodeURIComponent(r.id)}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
});

// Bug 4: invalid JSON in the config box must not let Run submit the previous config.
test('builder: Run is disabled while the config JSON does not parse', async () => {
  // The config before the edit has a name of its own: the bug submitted it.
  await page.goto(`${base}/#/build?c=${encode(denseExperiment('previous-valid'))}`);
  await page.waitForSelector('#run-button');
  assert.equal(await page.isDisabled('#run-button'), false);
  await page.fill('.config-json', '{"name": "broken", ');
  await page.waitForFunction(() => document.querySelector('#run-button').disabled);
  assert.match(await page.textContent('#config-json-error'), /^JSON: .*Run is disabled/);
  await page.click('#run-button', { force: true });
  assert.equal(await page.textContent('.actions .status'), '', 'no "submitting…": the click did nothing');
  const names = (await api('/api/runs')).runs.map((r) => r.name);
  assert.ok(!names.includes('previous-valid') && !names.includes('broken'), 'nothing was submitted: ' + names.join(', '));
  await page.fill('.config-json', JSON.stringify(denseExperiment('fixed')));
  await page.waitForFunction(() => !document.querySelector('#run-button').disabled);
  assert.equal(await page.textContent('#config-json-error'), '');
  assert.deepEqual(await layerTypes(), ['flatten', 'dense', 'dense'], 'the form follows the JSON');
});

// Bug 9: the form keeps the focus when it is rebuilt; ArrowDown on the layer type list
// adds nothing; the focus follows a moved layer.
test('builder keyboard: focus survives re-renders, arrow keys on the add list add no layer', async () => {
  await page.goto(`${base}/#/build?c=${encode(denseExperiment('keys'))}`);
  await page.waitForSelector('#run-button');
  await page.focus('input[name=class-5]');
  await page.keyboard.press('Space');
  assert.deepEqual((await configBox()).data.classes, [1, 3, 5]);
  assert.equal(await focused(), 'class-5', 'the ticked box keeps the focus');
  await page.focus('select[name=add-layer-type]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await layerTypes(), ['flatten', 'dense', 'dense'], 'browsing the list adds nothing');
  await page.focus('[data-focus="layer-0-down"]');
  await page.keyboard.press('Enter');
  assert.deepEqual(await layerTypes(), ['dense', 'flatten', 'dense']);
  assert.equal(await focused(), 'layer-1-down', 'the focus moved with the layer');
  await page.keyboard.press('Enter');
  assert.deepEqual(await layerTypes(), ['dense', 'dense', 'flatten']);
  assert.equal(await focused(), 'layer-2-up', 'at the bottom the focus is on its other arrow');
  await page.focus('[data-focus="add-layer"]');
  await page.keyboard.press('Enter');
  assert.equal((await layerTypes()).length, 4, 'the Add button adds');
  assert.equal(await focused(), 'layer-2-type', 'and the focus goes to the new layer');
});

// Bug 3: a job that fails at once. Its final event may come before the page listens; the
// page must still end on "failed" with the message, and offer no Cancel.
test('run page: a job that fails at once is shown as failed, every time (6 tries)', async () => {
  for (let k = 0; k < 6; ++k) {
    const bad = denseExperiment('fails-' + k);
    bad.data.unseen_classes = [3];  // also in data.classes: the job fails while loading its data
    const r = await api('/api/runs', json(bad));
    await page.goto(`${base}/#/run/${encodeURIComponent(r.id)}`);
    await page.waitForSelector('.state.failed');
    assert.match(await page.textContent('.results .error'), /unseen_classes: class 3 is also in data\.classes/);
    assert.equal(await page.isHidden('#cancel-button'), true, 'no Cancel for a failed job');
    assert.equal(await page.textContent('#progress-text'), 'failed');
  }
});

// Bugs 1 and 6: a queued run shows its settings and a working "Edit a copy"; a cancelled
// run says where it stopped (live, after a reload, in the runs list and the comparison).
test('run page: queued settings, edit a copy, cancel mid-run and what a cancelled run says', async () => {
  // A run that cannot end before the cancel: on the small set an epoch of the test model
  // takes milliseconds on a quiet machine, so this one trains 256 units on the full MNIST.
  const planned = 1000;
  const longExp = denseExperiment('long', { epochs: planned });
  longExp.data.dataset = 'mnist-digits';
  longExp.model.layers[1].units = 256;
  const long = await api('/api/runs', json(longExp));
  const queuedExp = denseExperiment('queued', { epochs: 2 });
  const queued = await api('/api/runs', json(queuedExp));
  await page.goto(`${base}/#/run/${encodeURIComponent(queued.id)}`);
  await page.waitForSelector('.state.queued');
  assert.equal(await page.textContent('#run-settings'), `${dataset} classes 1, 3 · 3 layers · 2 epochs · batch 64 · adam`);
  await page.click('#edit-link a');
  await page.waitForSelector('#run-button');
  const copy = await configBox();
  assert.deepEqual(copy.model.layers, queuedExp.model.layers, 'the builder has the run\'s layers');
  assert.deepEqual(copy.data, queuedExp.data);
  assert.equal(await page.isDisabled('#run-button'), false);

  // Cancel the long run from its page once it has trained a few epochs.
  await page.goto(`${base}/#/run/${encodeURIComponent(long.id)}`);
  await page.waitForFunction(() => /^epoch ([3-9]|\d\d+)\//.test(document.querySelector('#progress-text')?.textContent || ''));
  await page.click('#cancel-button');
  await page.waitForSelector('.state.cancelled');
  await page.waitForSelector('#stopped-note');
  const d = await api('/api/runs/' + encodeURIComponent(long.id));
  const n = d.metrics.epochs.length;
  // The wait saw epoch 3 begin: at least two epochs were finished when Cancel was clicked.
  assert.ok(n >= 2 && n < planned, `stopped after ${n} epochs`);
  const progress = await page.textContent('#progress-text');
  assert.equal(progress, `cancelled after epoch ${n} of ${planned}`);
  assert.doesNotMatch(await page.textContent('.progress'), /ETA|done/);
  assert.equal(await page.isHidden('#cancel-button'), true);
  const note = `Cancelled after epoch ${n} of ${planned}: the figures below are of the model as it was then.`;
  assert.equal(await page.textContent('#stopped-note'), note);
  await page.reload();
  await page.waitForSelector('#stopped-note');
  assert.equal(await page.textContent('#stopped-note'), note, 'also after a reload');

  // The queued run then trains; its page turns to done by itself.
  await page.goto(`${base}/#/run/${encodeURIComponent(queued.id)}`);
  await page.waitForSelector('.state.done', { timeout: 240000 });
  await page.waitForSelector('#test-accuracy');

  await page.goto(`${base}/#/runs`);
  const row = page.locator('table.runs tr', { has: page.locator(`a[href="#/run/${encodeURIComponent(long.id)}"]`) });
  await row.waitFor();
  assert.equal(await row.locator('td').nth(5).textContent(), `${n} of ${planned} (cancelled)`);
  await page.goto(`${base}/#/compare?ids=${encodeURIComponent(long.id)},${encodeURIComponent(queued.id)}`);
  await page.waitForSelector('table.compare');
  const epochsRow = await page.$$eval('table.compare tbody tr', (trs) =>
    [...trs.find((tr) => tr.dataset.label === 'epochs').querySelectorAll('td')].map((td) => td.textContent));
  assert.deepEqual(epochsRow, [`${n} of ${planned} (cancelled)`, '2']);
});

// Bug 5: a model trained on one class (through the API: the builder refuses it) is
// shown with a note, not a bare 100%.
test('run page: a one-class run says its accuracy means nothing', async () => {
  const one = denseExperiment('one-class', { limit: 300 });
  one.data.classes = [1];  // two output units: the loss needs two; the server trains it
  const r = await api('/api/runs', json(one));
  await waitDone(r.id);
  await page.goto(`${base}/#/run/${encodeURIComponent(r.id)}`);
  await page.waitForSelector('#one-class-note');
  assert.match(await page.textContent('#one-class-note'), /trained on one class only.*at least two classes/);
});

// Bug 7: the chosen class is the outlined one; the columns say output / input; the
// conservation error is the API's.
test('relevance: the chosen heatmap is marked, columns are labelled, the conservation error is shown', async () => {
  await page.goto(`${base}/#/relevance/${encodeURIComponent(runId)}`);
  await page.waitForFunction(() => document.querySelectorAll('button.heatmap-button').length === 2);
  const predicted = await page.getAttribute('button.heatmap-button.chosen', 'data-class');
  const other = predicted === '0' ? '1' : '0';
  // Keyboard: arrow to the other class's heatmap and choose it with Enter.
  await page.focus(`button.heatmap-button[data-class="${predicted}"]`);
  await page.keyboard.press(predicted === '0' ? 'ArrowRight' : 'ArrowLeft');
  assert.equal(await focused(), `heatmap-${other}`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`button.heatmap-button.chosen[data-class="${other}"]`);
  assert.equal(await page.$$eval('button.heatmap-button.chosen', (bs) => bs.length), 1, 'one outline, on the chosen class');
  assert.equal(await page.getAttribute(`button.heatmap-button[data-class="${predicted}"]`, 'aria-pressed'), 'false');
  assert.equal(await focused(), `heatmap-${other}`, 'the focus survived the re-render');
  const heads = await page.$$eval('table.layer-sums thead th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(heads, ['layer', 'Σ relevance on its output', 'rule passing it to its input', 'relevance of its neurons']);
  // The API's figures for the same input and class (the first test image).
  const reg = await api('/api/registry');
  const res = await fetch(`${base}/api/runs/${encodeURIComponent(runId)}/inspect`, json({ split: 'test', index: 0,
    relevance: { composite: reg.relevance.default, layers_for: Number(other) } }));
  const buf = Buffer.from(await res.arrayBuffer());
  const header = JSON.parse(buf.subarray(8, 8 + buf.readUInt32LE(4)).toString());
  const t = header.relevance.targets.find((x) => x.class === Number(other));
  assert.match(await page.textContent('#conservation'), new RegExp(`error ${(100 * t.conservation_error).toFixed(2).replace('.', '\\.')}%`));
  // One numbering: the table's layers are the inside view's layer names.
  const rows = await page.$$eval('table.layer-sums tbody th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(rows, [...header.layers.map((l) => l.name).reverse(), 'input']);
  await shot('relevance');
});

// Item 7: thumbnails and channel tiles are named buttons; arrow keys move between them.
test('inside: named thumbnails and tiles, arrow keys between them, Enter explains a channel', async () => {
  await page.goto(`${base}/#/inside/${encodeURIComponent(runId)}`);
  await page.waitForSelector('.layer-view button.tile');
  const first = await page.getAttribute('button.thumb', 'aria-label');
  assert.match(first, /^test #\d+, label \d$/);
  await page.focus('button.thumb');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), 'thumb-1');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), 'thumb-6', 'down is the next row (5 per row)');
  const layer = await page.textContent('.layer-view .layer-title strong');
  await page.focus('.layer-view button.tile');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), `${layer}-channel-1`);
  assert.equal(await page.getAttribute('.layer-view button.tile >> nth=1', 'aria-label'), `${layer} channel 1`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.neuron-panel table.rates');
  assert.match(await page.textContent('.neuron-panel h2'), new RegExp(`^${layer} · unit 1`));
  // Dense layers: a slider over the units.
  const slider = page.locator('.layer-view canvas.bars[role=slider]').last();
  await slider.focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /· unit \d+/.test(document.querySelector('.neuron-panel h2')?.textContent || ''));
});

// Bug 8: class × class matrices share one fixed scale per measure, with a colour bar.
test('signatures: fixed colour scales for the matrices, layers named as elsewhere', async () => {
  await page.goto(`${base}/#/signatures/${encodeURIComponent(sigRunId)}`);
  await page.waitForSelector('table.matrix');
  await page.selectOption('select[name=matrix]', 'pair_accuracy');
  await page.waitForFunction(() => document.querySelector('.matrices .color-bar')?.getAttribute('aria-label').includes('0.5 to 1'));
  const detail = await api('/api/runs/' + encodeURIComponent(sigRunId));
  let sig = detail.signatures;
  if (sig?.too_large) sig = await api(`/api/runs/${encodeURIComponent(sigRunId)}/files/signatures.json`);
  const shown = sig.layers.filter((l) => l.separability?.pair_accuracy);
  // An independent computation of each cell's shade from signatures.json: 0.5 (chance)
  // the lightest, 1 the darkest, linear between, the same scale for every layer.
  const lo = [239, 246, 255], hi = [30, 64, 175];
  const want = shown.flatMap((l) => l.separability.pair_accuracy.flat()).map((v) => {
    if (typeof v !== 'number') return '';
    const t = Math.min(1, Math.max(0, (v - 0.5) / 0.5));
    return `rgb(${lo.map((a, k) => Math.round(a + t * (hi[k] - a))).join(', ')})`;
  });
  const got = await page.$$eval('table.matrix td', (tds) => tds.map((td) => td.style.background));
  assert.ok(got.length >= 4);
  assert.deepEqual(got, want);
  const titles = await page.$$eval('.matrix-box > .muted', (ds) => ds.map((d) => d.textContent.replace(' ◆ divergence', '')));
  assert.deepEqual(titles, shown.map((l) => l.name), 'matrices are titled by layer name');
});

// ---- Deliverables: dry run, novelty, one-screen inside view, charts, comparison, URL state ----

// The packed answers (GBX1) and .npy files, read here independently of the page's code.
function unpackGbx(buf) {
  const n = buf.readUInt32LE(4);
  const header = JSON.parse(buf.subarray(8, 8 + n).toString());
  const start = Math.ceil((8 + n) / 4) * 4;
  const view = (node) => {
    if (Array.isArray(node)) return node.map(view);
    if (node && typeof node === 'object') {
      if ('offset' in node && 'length' in node && 'shape' in node && Object.keys(node).length === 3) {
        const out = new Float32Array(node.length);
        for (let k = 0; k < node.length; ++k) out[k] = buf.readFloatLE(start + node.offset + 4 * k);
        return Object.assign(out, { shape: node.shape });
      }
      for (const k of Object.keys(node)) node[k] = view(node[k]);
    }
    return node;
  };
  return view(header);
}
async function inspectApi(id, body) {
  const res = await fetch(`${base}/api/runs/${encodeURIComponent(id)}/inspect`, json(body));
  assert.ok(res.ok, `inspect ${res.status}`);
  return unpackGbx(Buffer.from(await res.arrayBuffer()));
}
async function npyMatrix(id, name) {
  const buf = Buffer.from(await (await fetch(`${base}/api/runs/${encodeURIComponent(id)}/files/${name}`)).arrayBuffer());
  const hlen = buf.readUInt16LE(8), header = buf.subarray(10, 10 + hlen).toString();
  assert.match(header, /'descr': '<f4'/);
  const shape = /'shape': \(([^)]*)\)/.exec(header)[1].split(',').filter((x) => x.trim()).map(Number);
  const data = [];
  for (let k = 0; k < shape.reduce((a, b) => a * b, 1); ++k) data.push(buf.readFloatLE(10 + hlen + 4 * k));
  return { shape, data };
}
async function npyInts(id, name) {
  const buf = Buffer.from(await (await fetch(`${base}/api/runs/${encodeURIComponent(id)}/files/${name}`)).arrayBuffer());
  const hlen = buf.readUInt16LE(8), header = buf.subarray(10, 10 + hlen).toString();
  assert.match(header, /'descr': '<i8'/);
  const n = Number(/'shape': \((\d+),?\)/.exec(header)[1]);
  return Array.from({ length: n }, (_, k) => Number(buf.readBigInt64LE(10 + hlen + 8 * k)));
}
async function study(id) {
  let sig = (await api('/api/runs/' + encodeURIComponent(id))).signatures;
  if (sig?.too_large) sig = await api(`/api/runs/${encodeURIComponent(id)}/files/signatures.json`);
  return sig;
}
const sigFigures = (v) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
// The page's own location (page.url() may lag a replaceState by an event).
const params = async () => new URLSearchParams(await page.evaluate(() => location.hash.split('?')[1] || ''));

// Item 4: the shapes and parameter counts by hand; a layer that does not fit, and one too
// large for the server's parameter budget (bug 5's 1,000,000,000 units), disable Run.
test('builder: the dry run prints each layer\'s output shape and parameters; a misfit layer disables Run', async () => {
  const ds = (await api('/api/datasets')).datasets.find((d) => d.name === dataset);
  const inputs = ds.sample_shape.reduce((a, b) => a * b, 1);
  const n = (x) => x.toLocaleString('en-US');
  await page.goto(`${base}/#/build?c=${encode(denseExperiment('shapes'))}`);
  await page.waitForFunction(() => /params$/.test(document.querySelector('#layer-2-shape')?.textContent || ''));
  assert.deepEqual(await page.$$eval('.layer-shape', (es) => es.map((e) => e.textContent)),
    [`→ ${inputs} · 0 params`, `→ 16 · ${n(inputs * 16 + 16)} params`, '→ 2 · 34 params']);
  assert.match(await page.textContent('#shape-summary'),
    new RegExp(`^input ${ds.sample_shape.join('×')} → output 2 · ${n(inputs * 16 + 16 + 34)} parameters in all`));
  assert.equal(await page.isDisabled('#run-button'), false);
  // A convolution after the flatten gets a flat input: refused at that layer, its row marked.
  const bad = denseExperiment('shapes-bad');
  bad.model.layers.splice(1, 0, { type: 'conv2d', filters: 4, kernel_size: 3 });
  await page.fill('.config-json', JSON.stringify(bad));
  await page.waitForFunction(() => document.querySelector('#run-button').disabled);
  assert.match(await page.textContent('#problems'), /^model\.layers\.1 \(conv2d\w*, input \(784,\)\): .*expects images/);
  assert.equal(await page.getAttribute('select[name=layer-1-type]', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#shape-summary'), /^shape check: model\.layers\.1/);
  // Removed through the form: the check passes again.
  await page.click('[data-focus="layer-1-remove"]');
  await page.waitForFunction(() => !document.querySelector('#run-button').disabled &&
    /params$/.test(document.querySelector('#layer-2-shape')?.textContent || ''));
  // 1,000,000 units pass the page's range check; their weights (784 × 10^6 floats) do not fit the server's budget.
  await page.fill('input[name=layer-1-units]', '1000000');
  await page.waitForFunction(() => document.querySelector('#run-button').disabled);
  assert.match(await page.textContent('#problems'), /model\.layers\.1/);
  assert.equal(await page.getAttribute('input[name=layer-1-units]', 'aria-invalid'), null, 'a row problem marks the row, not a field');
  assert.equal(await page.getAttribute('select[name=layer-1-type]', 'aria-invalid'), 'true');
  const names = (await api('/api/runs')).runs.map((r) => r.name);
  assert.ok(!names.some((x) => /^shapes/.test(x)), 'the dry run queues nothing');
});

// Item 4: the first screen points at the trained runs and says what each preset does.
test('builder: the first screen links the trained networks and explains the presets in words', async () => {
  await page.goto(`${base}/#/build`);
  await page.waitForSelector('#trained-runs a.button');
  // The three newest finished runs with a model, newest first.
  const ready = (await api('/api/runs')).runs.filter((r) => r.has_model && r.state === 'done').slice(0, 3);
  const links = await page.$$eval('#trained-runs a.button', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  assert.deepEqual(links, ready.map((r) => [`look inside ${r.name || r.id}`, `#/inside/${encodeURIComponent(r.id)}`]));
  const summaries = await page.$$eval('.preset .muted', (ss) => ss.map((x) => x.textContent));
  assert.ok(summaries.some((t) => /^Learns to tell 1 and 3 apart; never sees the 2s, to find out what it does with them\./.test(t)), summaries.join(' | '));
});

// Item 2 and 6: an unseen image named by the URL; next to its prediction, the distance to
// the nearest class signature per layer and the threshold, as computed here from the
// study's mean arrays and the inspect answer.
test('inside: novelty per layer next to the prediction, for the input the URL names', async () => {
  await page.goto(`${base}/#/inside/${encodeURIComponent(sigRunId)}?split=unseen&index=3`);
  await page.waitForSelector('#novelty table');
  assert.equal(await page.getAttribute('button.thumb.picked', 'aria-label'), await page.getAttribute('button.thumb[data-index="3"]', 'aria-label'));
  assert.match(await page.getAttribute('button.thumb.picked', 'aria-label'), /^unseen #3, label 2$/);
  assert.match(await page.title(), /inside · .* · unseen #3/);
  const sig = await study(sigRunId);
  const r = await inspectApi(sigRunId, { split: 'unseen', index: 3 });
  const names = sig.classes.map((c) => String(c.name));
  const want = [];
  for (const l of sig.layers) {
    const m = await npyMatrix(sigRunId, l.arrays.mean);
    const x = l.index === -1 ? (r.model_input || r.input) : r.layers.find((y) => y.index === l.index).values;
    assert.equal(l.feature, 'neuron', 'a dense model: the features are the values');
    const d = [...Array(m.shape[0]).keys()].map((c) => Math.sqrt(x.reduce((s, v, j) => s + (v - m.data[c * m.shape[1] + j]) ** 2, 0)));
    const nearest = d.indexOf(Math.min(...d));
    const t = sig.unseen[0].layers.find((u) => u.position === l.position).seen_distance.p95;
    want.push([l.name, names[nearest], sigFigures(d[nearest]), sigFigures(t), d[nearest] > t ? 'novel' : 'no']);
  }
  const got = await page.$$eval('#novelty tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(got, want);
  const novel = want.filter((w) => w[4] === 'novel').map((w) => w[0]);
  const verdict = await page.textContent('#novelty-verdict');
  assert.ok(verdict.startsWith(`Looks like a ${r.class_names[r.prediction]} at the output (`), verdict);
  assert.ok(novel.length ? verdict.endsWith(`, but is novel at ${novel.join(', ')}.`) : verdict.endsWith('at every layer.'), verdict);
});

// Items 1 and 6: the clicked unit's panel is beside the layers, says this input's value and
// the place of the channel's maximum, and comes back with a reload.
test('inside: the unit panel beside the layers, this input\'s value, the unit in the URL', async () => {
  await page.goto(`${base}/#/inside/${encodeURIComponent(runId)}`);
  await page.waitForSelector('.layer-view button.tile');
  const layer = await page.textContent('.layer-view .layer-title strong');
  await page.click('.layer-view button.tile >> nth=2');
  await page.waitForSelector('.neuron-panel table.rates');
  const q = await params();
  assert.deepEqual([q.get('split'), q.get('layer'), q.get('unit')], ['test', layer, '2']);
  const panel = await page.$eval('#neuron-panel', (e) => e.getBoundingClientRect().toJSON());
  const rows = await page.$eval('.inside-result', (e) => e.getBoundingClientRect().toJSON());
  assert.ok(panel.left >= rows.right - 1 && panel.top < 900, `panel at ${JSON.stringify(panel)}, layers ${JSON.stringify(rows)}`);
  const r = await inspectApi(runId, { split: 'test', index: Number(q.get('index')) });
  const l = r.layers.find((x) => x.name === layer);
  const [, H, W] = l.values.shape;
  const map = Array.from(l.values.subarray(2 * H * W, 3 * H * W));
  const at = map.indexOf(Math.max(...map));
  assert.match(await page.textContent('#unit-value'), new RegExp(
    `^this input: maximum ${sigFigures(map[at]).replace('.', '\\.')} at row ${Math.floor(at / W)}, column ${at % W} · mean `));
  // The channel's kernel from the saved model, on a symmetric scale of its largest weight.
  const kernel = await npyMatrix(runId, `model/${layer}.kernel.npy`);
  const [, C, kh, kw] = kernel.shape;
  const w = kernel.data.slice(2 * C * kh * kw, 3 * C * kh * kw);
  const bound = Math.max(...w.map(Math.abs));
  await page.waitForSelector('#unit-weights canvas');
  assert.equal(await page.$$eval('#unit-weights canvas', (cs) => cs.length), Math.min(C, 16));
  assert.equal(await page.getAttribute('#unit-weights .color-bar', 'aria-label'),
    `colour scale for weight: ${Number((-bound).toPrecision(3))} to ${Number(bound.toPrecision(3))}`);
  assert.match(await page.textContent('#unit-weights h3'), new RegExp(`^kernel: ${C} input channels? × ${kh}×${kw}$`));
  // A colour bar states the range of the layer's maps (a scale per layer by default).
  const lo = Math.min(0, ...l.values), hi = Math.max(...l.values);
  assert.equal(await page.getAttribute('.layer-view .color-bar', 'aria-label'),
    `colour scale for ${layer} activation: ${Number(lo.toPrecision(3))} to ${Number(hi.toPrecision(3))}`);
  await page.reload();
  await page.waitForSelector('.neuron-panel table.rates');
  assert.match(await page.textContent('.neuron-panel h2'), new RegExp(`^${layer} · unit 2`));
  assert.equal(await page.getAttribute(`.layer-view button.tile[data-focus="${layer}-channel-2"]`, 'aria-pressed'), 'true');
  assert.match(await page.title(), new RegExp(`${layer} unit 2$`));
  await page.selectOption('select[name=scale]', 'global');
  assert.equal((await params()).get('scale'), 'global');
  assert.match(await page.getAttribute('.layer-view .color-bar', 'aria-label'), /one scale for all layers/);
});

// Item 6: the relevance view's input, composite and class from the URL.
test('relevance: input, composite and class come from the URL', async () => {
  const reg = await api('/api/registry');
  const other = reg.relevance.composites.find((c) => c !== reg.relevance.default);
  const q = `split=test&index=3&class=1${other ? '&composite=' + encodeURIComponent(other) : ''}`;
  await page.goto(`${base}/#/relevance/${encodeURIComponent(runId)}?${q}`);
  await page.waitForSelector('button.heatmap-button.chosen[data-class="1"]');
  assert.match(await page.getAttribute('button.thumb.picked', 'aria-label'), /^test #3, /);
  if (other) assert.equal(await page.inputValue('select[name=composite]'), other);
  assert.equal((await params()).get('class'), '1');
  await page.click('button.heatmap-button[data-class="0"]');
  await page.waitForSelector('button.heatmap-button.chosen[data-class="0"]');
  assert.equal((await params()).get('class'), '0');
  assert.match(await page.title(), /relevance · .* · test #3 · .* · class 0$/);
});

// Item 3: threshold and chance lines, the divergence layer marked, the matrix measure in the URL.
test('signatures: the charts name their lines and marks, the measure is in the URL', async () => {
  const sig = await study(sigRunId);
  await page.goto(`${base}/#/signatures/${encodeURIComponent(sigRunId)}?matrix=pair_accuracy`);
  await page.waitForSelector('table.matrix');
  assert.equal(await page.inputValue('select[name=matrix]'), 'pair_accuracy');
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.classList.contains('drawn')));
  const legends = await page.$$eval('.u-legend .u-series:not([hidden]) .u-label', (ls) => ls.map((l) => l.textContent));
  assert.ok(legends.includes(`separability threshold (${(100 * sig.divergence.threshold).toFixed(1)}%)`), legends.join(' | '));
  assert.ok(legends.includes('chance (0.5)'), legends.join(' | '));
  const marks = await page.$$eval('.chart-marks div', (ds) => ds.map((d) => d.textContent));
  const byLayer = new Map();
  for (const d of sig.divergence.pairs) if (d.layer) byLayer.set(d.layer, [...(byLayer.get(d.layer) || []), `${d.a_name} vs ${d.b_name}`]);
  assert.deepEqual(marks, [...byLayer].map(([layer, pairs]) => `◆ divergence layer ${layer}: ${pairs.join(', ')} separate from here on`));
  await page.selectOption('select[name=matrix]', 'hamming');
  assert.equal((await params()).get('matrix'), 'hamming');
  await page.selectOption('select[name=matrix]', 'cosine');
  assert.equal((await params()).get('matrix'), null, 'the default measure needs no parameter');
});

// Item 3: a series without values is hidden (no validation split), the loss has a log scale.
test('run page: empty series hidden, log scale for the loss', async () => {
  await page.goto(`${base}/#/run/${encodeURIComponent(sigRunId)}`);
  await page.waitForSelector('#progress-text');
  await page.waitForFunction(() => document.querySelectorAll('.charts .u-legend .u-series:not([hidden])').length >= 4);
  const shown = await page.$$eval('.charts .chart', (cs) => cs.map((c) =>
    [...c.querySelectorAll('.u-legend .u-series:not([hidden]) .u-label')].map((l) => l.textContent)));
  assert.deepEqual(shown, [['train (running)', 'train'], ['train (running)', 'train']], 'no validation split: no validation series');
  const before = await page.$eval('.charts .chart canvas', (c) => c.toDataURL());
  await page.check('.charts .chart input[name=log-scale]');
  await page.waitForFunction((b) => document.querySelector('.charts .chart canvas').toDataURL() !== b, before);
});

// Item 5: settings that differ marked, the signature studies side by side, a filter in the
// URL, and a run deleted from the list.
test('compare: differing settings marked, studies side by side; runs filtered and deleted', async () => {
  const [a, b] = [await api('/api/runs/' + encodeURIComponent(runId)), await api('/api/runs/' + encodeURIComponent(sigRunId))];
  await page.goto(`${base}/#/compare?ids=${encodeURIComponent(runId)},${encodeURIComponent(sigRunId)}`);
  await page.waitForSelector('table.compare');
  const rows = await page.$$eval('table.compare tbody tr[data-label]', (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.dataset.label, { differs: tr.classList.contains('differs'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent) }])));
  assert.equal(rows.dataset.differs, false);
  assert.equal(rows.seed.differs, a.config.seed !== b.config.seed);
  assert.deepEqual(rows.seed.cells, [String(a.config.seed), String(b.config.seed)]);
  assert.equal(rows.layers.differs, true);
  const divergence = async (id) => {
    const s = await study(id);
    return s?.format === 'glassbox-signatures/1' ? s.divergence.pairs.map((d) => `${d.a_name} vs ${d.b_name}: ${d.layer ?? 'never'}`).join('; ') : 'no signature study';
  };
  assert.deepEqual(rows['divergence layer'].cells, [await divergence(runId), await divergence(sigRunId)]);
  const g = (await study(sigRunId)).unseen[0];
  const total = g.predicted.reduce((x, y) => x + y, 0);
  assert.match(rows['unseen class predicted as'].cells[1], new RegExp(`^${g.name} → 1: ${(100 * g.predicted[0] / total).toFixed(1)}%, 3: `));
  assert.ok(await page.$$eval('h2', (hs) => hs.some((x) => x.textContent === 'Signature studies')));

  const doomed = await api('/api/runs', json(denseExperiment('doomed', { limit: 200 })));
  await waitDone(doomed.id);
  await page.goto(`${base}/#/runs?q=browser-signatures`);
  await page.waitForSelector('table.runs tbody tr[data-id]:not([hidden])');
  const visible = () => page.$$eval('table.runs tbody tr[data-id]:not([hidden])', (trs) => trs.map((tr) => tr.dataset.id));
  assert.deepEqual(await visible(), [sigRunId]);
  assert.equal(await page.inputValue('input[name=filter]'), 'browser-signatures');
  await page.fill('input[name=filter]', 'doomed');
  assert.equal((await params()).get('q'), 'doomed');
  assert.deepEqual(await visible(), [doomed.id]);
  await page.click(`button[aria-label="delete ${doomed.id}"]`);
  assert.equal(await focused(), `confirm-delete-${doomed.id}`, 'the page asks first (no native dialog)');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => !document.querySelector(`tr[data-id="${id}"]`), doomed.id);
  assert.equal((await fetch(`${base}/api/runs/${encodeURIComponent(doomed.id)}`)).status, 404);
});

// Item 7 / bug 9: axe-core finds no critical or serious violation on any view.
const views = () => [
  ['build', '/#/build'], ['run', `/#/run/${encodeURIComponent(runId)}`], ['runs', '/#/runs'],
  ['compare', `/#/compare?ids=${encodeURIComponent(runId)},${encodeURIComponent(sigRunId)}`],
  ['inside', `/#/inside/${encodeURIComponent(runId)}`], ['relevance', `/#/relevance/${encodeURIComponent(runId)}`],
  ['signatures', `/#/signatures/${encodeURIComponent(sigRunId)}`]];
const ready = { build: '#run-button', run: '#test-accuracy', runs: 'table.runs tbody a', compare: 'table.compare',
  inside: '.layer-view', relevance: 'table.layer-sums', signatures: 'table.matrix' };

// A residual network (a skip connection joined by an add node): the inside and relevance
// views draw it as a graph laid out by dagre, with one box per node (the input and every
// layer) and one arrow per input a layer names, each target below its sources; each box
// shows its activations (inside) or its relevance with its sum as the API gives it.
const residualLayers = [
  { type: 'conv2d', name: 'stem', filters: 3, kernel_size: 3, padding: 'same', activation: 'relu' },
  { type: 'conv2d', name: 'c1', filters: 3, kernel_size: 3, padding: 'same', activation: 'relu' },
  { type: 'conv2d', name: 'c2', filters: 3, kernel_size: 3, padding: 'same' },
  { type: 'add', name: 'sum', inputs: ['c2', 'stem'] },
  { type: 'max_pool2d', name: 'pool', pool_size: 2 },
  { type: 'flatten', name: 'flat' },
  { type: 'dense', name: 'out', units: 2 }];
const residualNodes = ['input', 'stem', 'c1', 'c2', 'sum', 'pool', 'flat', 'out'];
const residualEdges = ['input->stem', 'stem->c1', 'c1->c2', 'c2->sum', 'stem->sum', 'sum->pool', 'pool->flat', 'flat->out'];

// The drawn graph: node names in document order, edges, and each node's box.
async function drawnGraph() {
  await page.waitForSelector('.network-graph[data-laid-out="true"]');
  return page.$eval('.network-graph', (g) => ({
    nodes: [...g.querySelectorAll('.graph-node')].map((n) => n.dataset.node),
    edges: [...g.querySelectorAll('path[data-from]')].map((p) => `${p.dataset.from}->${p.dataset.to}`),
    boxes: Object.fromEntries([...g.querySelectorAll('.graph-node')].map((n) => {
      const r = n.getBoundingClientRect();
      return [n.dataset.node, { top: r.top, bottom: r.bottom }];
    })),
  }));
}

function checkLayered(g) {
  assert.deepEqual(g.nodes, residualNodes);
  assert.deepEqual([...g.edges].sort(), [...residualEdges].sort());
  for (const e of residualEdges) {
    const [a, b] = e.split('->');
    assert.ok(g.boxes[b].top >= g.boxes[a].bottom, `${b} is drawn below ${a}`);
  }
  // The skip connection: stem and c2 feed sum; c1 and c2 sit between stem and sum.
  assert.ok(g.boxes.c1.top > g.boxes.stem.bottom && g.boxes.c2.bottom < g.boxes.sum.top);
}

test('graph: a residual run is drawn as a graph in the inside and relevance views', async () => {
  const exp = { name: 'browser-residual', seed: 5, data: { dataset, classes: [1, 3], normalize: 'scale', limit: 600 },
    model: { layers: residualLayers }, train: { epochs: 1, batch_size: 32 } };
  const { id } = await api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(exp) });
  await waitDone(id);
  await page.goto(`${base}/#/inside/${encodeURIComponent(id)}?split=test&index=0`);
  await page.waitForSelector('#prediction');
  const inside = await drawnGraph();
  checkLayered(inside);
  for (const n of residualNodes)
    assert.ok(await inkedPixels(`.graph-node[data-node="${n}"] canvas`) > 0, `the ${n} box shows its values`);
  assert.match(await page.textContent('.graph-node[data-node="sum"] .layer-title'), /of c2 and stem/);
  await shot('inside-graph');

  await page.goto(`${base}/#/relevance/${encodeURIComponent(id)}?split=test&index=0`);
  await page.waitForSelector('table.layer-sums');
  checkLayered(await drawnGraph());
  const header = await page.evaluate(async (runId) => (await import('/js/api.js')).postPacked(
    `/api/runs/${encodeURIComponent(runId)}/inspect`, { split: 'test', index: 0, relevance: { layers_for: 'predicted' } }), id);
  const t = header.relevance.targets.find((x) => x.class === header.prediction);
  for (const l of t.layers) {
    const shown = await page.textContent(`.graph-node[data-node="${l.name}"] .node-sum`);
    const v = Number(shown.replace('Σ', '').trim());
    assert.ok(Math.abs(v - l.sum) <= 1e-3 * Math.max(1e-3, Math.abs(l.sum)), `${l.name}: shown ${shown}, API ${l.sum}`);
    assert.ok(await inkedPixels(`.graph-node[data-node="${l.name}"] canvas`) > 0, `the ${l.name} box shows its relevance`);
  }
  await shot('relevance-graph');
});

// The builder edits the graph: a merge inserted between two layers names both as its
// inputs (and fixes every layer's name), a layer's inputs typed in its row, a renamed
// layer renamed in the inputs that name it, an unknown input refused; the config box
// holds exactly the experiment JSON these edits make, and the server's dry run builds it.
test('builder: a merge inserted and inputs set give the expected graph in the config', async () => {
  const start = { name: 'graph-edit', seed: 1, data: { dataset, classes: [1, 3], normalize: 'scale' },
    model: { layers: [
      { type: 'conv2d', filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' },
      { type: 'conv2d', filters: 4, kernel_size: 3, padding: 'same' },
      { type: 'flatten' }, { type: 'dense', units: 2 }] },
    train: { epochs: 1, batch_size: 32, optimizer: { type: 'adam' } } };
  const c = Buffer.from(JSON.stringify(start)).toString('base64url');
  await page.goto(`${base}/#/build?c=${c}`);
  await page.waitForSelector('select[name=merge-type]');
  await page.selectOption('select[name=merge-type]', 'add');
  await page.selectOption('select[name=merge-first]', 'conv2d_2');
  await page.selectOption('select[name=merge-second]', 'conv2d_1');
  await page.click('button[data-focus=insert-merge]');
  await page.waitForSelector('input[name=layer-4-name]');
  // A second branch from the model's input: conv2d_2 takes the input, as conv2d_1 does.
  await page.fill('input[name=layer-1-inputs]', 'input');
  await page.fill('input[name=layer-0-name]', 'stem');
  await page.press('input[name=layer-0-name]', 'Enter');  // a name is taken on change
  await page.waitForFunction(() => document.querySelector('.config-json').value.includes('"stem"'));
  const layers = JSON.parse(await page.inputValue('.config-json')).model.layers;
  assert.deepEqual(layers, [
    { type: 'conv2d', filters: 4, kernel_size: 3, padding: 'same', activation: 'relu', name: 'stem' },
    { type: 'conv2d', filters: 4, kernel_size: 3, padding: 'same', name: 'conv2d_2', inputs: ['input'] },
    { type: 'add', name: 'add_1', inputs: ['conv2d_2', 'stem'] },
    { type: 'flatten', name: 'flatten_1' },
    { type: 'dense', units: 2, name: 'dense_1' }]);
  // The server builds the graph: each row's shape, the merge's row lists its inputs.
  await page.waitForFunction(() => /output 2 /.test(document.querySelector('#shape-summary').textContent));
  assert.equal(await page.textContent('#layer-2-shape'), '→ 4×28×28 · 0 params');
  assert.equal(await page.isDisabled('#run-button'), false);
  await page.fill('input[name=layer-3-inputs]', 'nowhere');
  await page.waitForSelector('#problems li[data-key="model.layers.3.inputs"]');
  assert.match(await page.textContent('#problems'), /layer 4 \(flatten\) takes 'nowhere', which is no layer's name/);
  assert.equal(await page.isDisabled('#run-button'), true);
  await shot('builder-graph');
});

test('axe-core: no critical or serious violation on any view', async () => {
  const found = [];
  for (const [name, path] of views()) {
    await page.goto(base + path);
    await page.waitForSelector(ready[name]);
    await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.classList.contains('drawn')));
    for (const v of await axeViolations()) found.push(`${name}: ${v}`);
  }
  assert.deepEqual(found, []);
});

// Bug 10: at 390 px no view scrolls sideways; at 1024 px the relevance view fits.
test('layout: no view is wider than a 390 px phone screen, relevance fits 1024 px', async () => {
  const wide = [];
  try {
    for (const width of [390, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      for (const [name, path] of views()) {
        if (width === 1024 && name !== 'relevance') continue;
        await page.goto(base + path);
        await page.waitForSelector(ready[name]);
        await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.classList.contains('drawn')));
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        if (w > width) wide.push(`${name} at ${width} px is ${w} px wide`);
        if (width === 390 && ['build', 'relevance', 'signatures'].includes(name)) await shot(`phone-${name}`);
      }
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  assert.deepEqual(wide, []);
});

// An imported model (glassbox export of a run's model, then glassbox import --run): listed as
// a run without training curves; inside, relevance and signatures work on it. Needs the
// driver and the runs folder (scripts/test-browser.sh names them) and ONNX support.
const onnxSkip = !process.env.GLASSBOX_BIN || !process.env.GLASSBOX_RUNS ? 'GLASSBOX_BIN / GLASSBOX_RUNS not set' : false;
test('an imported ONNX model is a run without curves; inside, relevance and signatures work', { skip: onnxSkip }, async () => {
  const bin = process.env.GLASSBOX_BIN, folder = mkdtempSync(join(tmpdir(), 'glassbox-onnx-'));
  const file = join(folder, 'digits-1-3.onnx'), id = 'imported-digits-1-3';
  try {
    const exported = spawnSync(bin, ['--quiet', 'export', '--model', join(process.env.GLASSBOX_RUNS, sigRunId, 'model'), '--onnx', file], { encoding: 'utf8' });
    assert.equal(exported.status, 0, exported.stderr);
    const imported = spawnSync(bin, ['--quiet', 'import', file, '--run', join(process.env.GLASSBOX_RUNS, id), '--data', dataset,
      '--classes', '1,3', '--signatures'], { encoding: 'utf8' });
    assert.equal(imported.status, 0, imported.stderr);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const d = await api('/api/runs/' + id);
  assert.equal(d.state, 'done');
  assert.equal(d.metrics.imported_from, file);
  await page.goto(`${base}/#/run/${id}`);
  await page.waitForSelector('#test-accuracy');
  assert.ok(await page.isVisible('#import-note'), 'the page says where the model came from');
  assert.match(await page.textContent('#import-note'), /no training curves/);
  assert.equal(await page.isVisible('div.charts'), false, 'no training curves');
  assert.match(await page.textContent('#progress-text'), /imported from .*digits-1-3\.onnx/);
  assert.equal(await page.textContent('#test-accuracy'), `${(100 * d.metrics.test_accuracy).toFixed(1)}%`);
  await page.goto(`${base}/#/inside/${id}`);
  await page.waitForSelector('.layer-view canvas');
  await page.waitForSelector('#prediction');
  assert.ok(await inkedPixels('.layer-view canvas') > 50, 'activation canvases have pixels');
  await page.goto(`${base}/#/relevance/${id}`);
  await page.waitForFunction(() => document.querySelectorAll('canvas.heatmap').length === 2);
  assert.ok(await inkedPixels('canvas.heatmap') > 20, 'heatmaps have pixels');
  await page.goto(`${base}/#/signatures/${id}`);
  await page.waitForSelector('div.signatures td.divergence');
  assert.equal(await page.$('main .error'), null, 'no error box');
});

test('sweeps: a 2 x 2 sweep in the runs folder, its table as sweep.json says, its runs compared', { skip: onnxSkip }, async () => {
  const bin = process.env.GLASSBOX_BIN, folder = mkdtempSync(join(tmpdir(), 'glassbox-sweep-'));
  const out = join(process.env.GLASSBOX_RUNS, 'browser-sweep');
  try {
    const file = join(folder, 'exp.json');
    writeFileSync(file, JSON.stringify(denseExperiment('browser-sweep', { limit: 300 })));
    const swept = spawnSync(bin, ['--quiet', 'sweep', file, '--grid', 'train.optimizer.learning_rate=0.001,0.01',
      '--grid', 'model.layers.1.units=4,16', '--out', out, '--jobs', '2'], { encoding: 'utf8' });
    assert.equal(swept.status, 0, swept.stderr);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
  await page.goto(`${base}/#/runs`);
  await page.waitForSelector('section.sweep[data-sweep="browser-sweep"] tbody tr');
  const rows = await page.$$eval('section.sweep[data-sweep="browser-sweep"] tbody tr', (trs) =>
    trs.map((tr) => ({ run: tr.dataset.run, best: tr.classList.contains('best'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent) })));
  assert.equal(rows.length, 4);
  sweep.runs.forEach((r, i) => {
    assert.equal(rows[i].run, r.run);
    assert.equal(rows[i].best, r.run === sweep.best);
    assert.deepEqual(rows[i].cells.slice(1, 5), [String(r.assignments['train.optimizer.learning_rate']),
      String(r.assignments['model.layers.1.units']), 'ok', `${(100 * r.test_accuracy).toFixed(1)}%`]);
  });
  // The sweep's runs are runs of this server: listed, and opened from the sweep's table.
  const listed = await page.$$eval('table.runs tbody tr[data-id]', (trs) => trs.map((tr) => tr.dataset.id));
  for (const r of sweep.runs) assert.ok(listed.includes(`browser-sweep/${r.run}`), r.run);
  assert.ok(!listed.includes('browser-sweep'), 'the sweep folder is no run');
  await page.locator('section.sweep[data-sweep="browser-sweep"]').screenshot({ path: join(shots, 'sweeps.png') });
  await page.click('section.sweep[data-sweep="browser-sweep"] a.button');
  await page.waitForSelector('table.compare');
  assert.deepEqual((await params()).get('ids').split(','), sweep.runs.map((r) => `browser-sweep/${r.run}`));
  assert.equal(await page.$$eval('table.compare thead th', (ths) => ths.length), 5);
  const units = await page.$$eval('table.compare tbody tr[data-label="layers"] td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(units, ['flatten → dense(4) → dense(2)', 'flatten → dense(16) → dense(2)', 'flatten → dense(4) → dense(2)', 'flatten → dense(16) → dense(2)']);
  await page.goto(`${base}/#/runs`);
  await page.click(`section.sweep[data-sweep="browser-sweep"] a[href="#/run/${encodeURIComponent('browser-sweep/' + sweep.best)}"]`);
  await page.waitForSelector('#test-accuracy');
  const best = sweep.runs.find((r) => r.run === sweep.best);
  assert.equal(await page.textContent('#test-accuracy'), `${(100 * best.test_accuracy).toFixed(1)}%`);
});

test('no console errors', () => {
  assert.deepEqual(problems, []);
});

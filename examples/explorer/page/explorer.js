// The explorer page: keeps the scene (surface, racers, settings, start point) in the URL, asks
// xgrad's WebAssembly module for the trajectories and draws them with d3. No optimizer math here:
// every number plotted comes from the module.
'use strict';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2',
                 '#7f7f7f', '#bcbd22', '#17becf'];
// Slider scales: [min, max] of the slider position and position -> value.
const SLIDERS = {
  lr: {min: -4, max: 1, step: 0.01, value: p => 10 ** p, position: v => Math.log10(v)},
  momentum: {min: 0, max: 0.995, step: 0.005, value: p => p, position: v => v},
  beta1: {min: 0, max: 0.995, step: 0.005, value: p => p, position: v => v},
  beta2: {min: 0.5, max: 0.9999, step: 0.0001, value: p => p, position: v => v},
  eps: {min: -10, max: 0, step: 0.5, value: p => 10 ** p, position: v => Math.log10(v)},
};
const SETTING_TITLES = {lr: 'lr', momentum: 'momentum', beta1: 'β1', beta2: 'β2 / ρ / α', eps: 'ε'};
const MINIMA = {ravine: [0, 0], rosenbrock: [1, 1], beale: [3, 0.5]};
const TOLERANCE = 1e-3;  // distance to the minimum that counts as arrived

/** Four significant digits: what the URL keeps of a slider's value. */
const round = v => Number(v.toPrecision(4));

let api, catalogue, scene, result, grid, shownStep = 0, playing = true;

// ---- the scene <-> query string (parsed by the same rules in examples/explorer/scene.cpp) ----

function parseQuery(query) {
  const s = {surface: 'ravine', kappa: 20, steps: 100, schedule: 'constant', decay: 0.01,
             batch: 'full', batch_size: 8, seed: 1, racers: []};
  let start = null;
  for (const pair of query.replace(/^\?/, '').split('&').filter(p => p)) {
    const [key, raw = ''] = pair.split(/=(.*)/s);
    const value = decodeURIComponent(raw.replace(/\+/g, ' '));
    if (key === 'racer') {
      const [rule, ...settings] = value.split(',');
      const spec = catalogue.rules.find(r => r.name === rule);
      if (!spec) continue;
      const racer = {rule, settings: {...spec.defaults}};
      for (const kv of settings) {
        const [k, v] = kv.split(':');
        if (k in racer.settings) racer.settings[k] = Number(v);
      }
      s.racers.push(racer);
    } else if (key === 'x' || key === 'y') {
      start = start || {};
      start[key] = Number(value);
    } else if (key in s) {
      s[key] = typeof s[key] === 'number' ? Number(value) : value;
    }
  }
  const surface = catalogue.surfaces.find(x => x.name === s.surface);
  s.x = start && 'x' in start ? start.x : surface.start[0];
  s.y = start && 'y' in start ? start.y : surface.start[1];
  return s;
}

function toQuery(s) {
  const parts = [`surface=${s.surface}`];
  if (s.surface === 'ravine') parts.push(`kappa=${s.kappa}`);
  parts.push(`x=${s.x}`, `y=${s.y}`, `steps=${s.steps}`);
  if (s.schedule !== 'constant') parts.push(`schedule=${s.schedule}`, `decay=${s.decay}`);
  if (s.surface === 'logistic') {
    parts.push(`batch=${s.batch}`);
    if (s.batch === 'minibatch') parts.push(`batch_size=${s.batch_size}`);
  }
  for (const r of s.racers) {
    const uses = catalogue.rules.find(x => x.name === r.rule).uses.split(' ');
    parts.push('racer=' + [r.rule, ...uses.map(k => `${k}:${r.settings[k]}`)].join(','));
  }
  return parts.join('&');
}

// ---- running the module ----

function call(name, types, args) {
  const json = JSON.parse(api.ccall(name, 'string', types, args));
  if (json.error) throw new Error(json.error);
  return json;
}

function recompute() {
  const query = toQuery(scene);
  document.body.dataset.ready = 'false';
  history.replaceState(null, '', '?' + query);
  document.getElementById('error').textContent = '';
  try {
    result = call('xgrad_explorer_run', ['string'], [query]);
  } catch (e) {
    document.getElementById('error').textContent = e.message;
    result = {racers: []};
  }
  shownStep = playing ? Math.min(shownStep, 0) : scene.steps;
  draw();
}

function loadGrid() {
  grid = call('xgrad_explorer_grid', ['string', 'number', 'number'], [scene.surface, scene.kappa, 90]);
}

// ---- controls ----

function $(id) { return document.getElementById(id); }

function bindSlider(input, output, get, set, format = v => String(v)) {
  input.value = get();
  output.textContent = format(get());
  input.oninput = () => {
    set(Number(input.value));
    output.textContent = format(Number(input.value));
    recompute();
  };
}

function buildControls() {
  const surfaceSelect = $('surface');
  surfaceSelect.innerHTML = catalogue.surfaces.map(s => `<option value="${s.name}">${s.title}</option>`).join('');
  surfaceSelect.onchange = () => {
    const surface = catalogue.surfaces.find(x => x.name === surfaceSelect.value);
    scene.surface = surface.name;
    [scene.x, scene.y] = surface.start;
    loadGrid();
    syncControls();
    recompute();
  };
  $('schedule').onchange = () => { scene.schedule = $('schedule').value; syncControls(); recompute(); };
  for (const radio of document.querySelectorAll('input[name=batch]'))
    radio.onchange = () => { scene.batch = radio.value; syncControls(); recompute(); };
  $('optimal').onclick = () => {
    const best = call('xgrad_explorer_ravine_optimum', ['number'], [scene.kappa]);
    for (const r of scene.racers) {
      if (r.rule === 'sgd') r.settings.lr = round(best.gd_lr);
      if (r.rule === 'momentum') {
        r.settings.lr = round(best.heavy_ball_lr);
        r.settings.momentum = round(best.heavy_ball_momentum);
      }
    }
    syncControls();
    recompute();
  };
  $('play').onclick = () => {
    playing = !playing;
    $('play').textContent = playing ? 'pause' : 'play';
    if (playing && shownStep >= scene.steps) shownStep = 0;
    if (!playing) { shownStep = scene.steps; draw(); }
  };
}

/** Writes the scene into every control (after loading a URL or changing the surface). */
function syncControls() {
  $('surface').value = scene.surface;
  $('kappa-row').hidden = scene.surface !== 'ravine';
  $('optimal').hidden = scene.surface !== 'ravine';
  bindSlider($('kappa'), $('kappa-value'), () => Math.log10(scene.kappa),
             p => { scene.kappa = round(10 ** p); loadGrid(); }, p => round(10 ** p));
  bindSlider($('steps'), $('steps-value'), () => scene.steps, v => { scene.steps = v; });
  $('schedule').value = scene.schedule;
  $('decay-row').hidden = scene.schedule === 'constant';
  bindSlider($('decay'), $('decay-value'), () => Math.log10(scene.decay),
             p => { scene.decay = round(10 ** p); }, p => round(10 ** p));
  $('batch-row').hidden = scene.surface !== 'logistic';
  for (const radio of document.querySelectorAll('input[name=batch]')) radio.checked = radio.value === scene.batch;
  bindSlider($('batch_size'), $('batch_size-value'), () => scene.batch_size, v => { scene.batch_size = v; });
  buildRules();
}

/** One row per update rule of the module: a checkbox to race it, and its sliders. */
function buildRules() {
  const box = $('rules');
  box.innerHTML = '';
  catalogue.rules.forEach((rule, i) => {
    const racer = scene.racers.find(r => r.rule === rule.name);
    const row = document.createElement('div');
    row.className = 'rule';
    row.innerHTML = `<label><input type="checkbox" id="race-${rule.name}" ${racer ? 'checked' : ''}>
      <span class="swatch" style="background:${COLOURS[i % COLOURS.length]}"></span> ${rule.title}</label>
      <div class="settings"></div>`;
    row.querySelector('input').onchange = e => {
      if (e.target.checked) scene.racers.push({rule: rule.name, settings: {...rule.defaults}});
      else scene.racers = scene.racers.filter(r => r.rule !== rule.name);
      buildRules();
      recompute();
    };
    if (racer) {
      for (const key of rule.uses.split(' ')) {
        const spec = SLIDERS[key];
        const label = document.createElement('label');
        label.innerHTML = `${SETTING_TITLES[key]} <input type="range" id="${key}-${rule.name}"
          min="${spec.min}" max="${spec.max}" step="${spec.step}"> <output></output>`;
        row.querySelector('.settings').append(label);
        const input = label.querySelector('input');
        bindSlider(input, label.querySelector('output'), () => spec.position(racer.settings[key]),
                   p => { racer.settings[key] = round(spec.value(p)); }, p => round(spec.value(p)));
      }
    }
    box.append(row);
  });
}

// ---- drawing ----

const SIZE = 520, MARGIN = 34;

function colourOf(rule) {
  return COLOURS[catalogue.rules.findIndex(r => r.name === rule) % COLOURS.length];
}

function draw() {
  drawContour();
  drawLoss();
  drawEigen();
  drawData();
  drawSummary();
  $('step-value').textContent = shownStep;
  document.body.dataset.scene = toQuery(scene);
}

function drawContour() {
  const surface = catalogue.surfaces.find(s => s.name === scene.surface);
  const [x0, x1, y0, y1] = surface.view;
  const x = d3.scaleLinear([x0, x1], [MARGIN, SIZE - 8]);
  const y = d3.scaleLinear([y0, y1], [SIZE - MARGIN, 8]);
  const root = d3.select('#contour');
  let svg = root.select('svg');
  if (svg.empty()) {
    svg = root.append('svg').attr('width', SIZE).attr('height', SIZE).attr('id', 'contour-svg');
    svg.append('g').attr('class', 'contour');
    svg.append('g').attr('class', 'axis x');
    svg.append('g').attr('class', 'axis y');
    svg.append('clipPath').attr('id', 'plot-area').append('rect')
      .attr('x', MARGIN).attr('y', 8).attr('width', SIZE - 8 - MARGIN).attr('height', SIZE - MARGIN - 8);
    svg.append('g').attr('class', 'paths').attr('clip-path', 'url(#plot-area)');
    svg.append('circle').attr('class', 'start').attr('r', 5);
    // Dragging anywhere on the plot moves the start point; the race restarts from there.
    svg.call(d3.drag().container(function() { return this; })
      .subject(event => ({x: event.x, y: event.y})).on('start drag', event => {
      const [sx, sy] = surfaceScales();
      scene.x = round(sx.invert(event.x));
      scene.y = round(sy.invert(event.y));
      recompute();
    }));
  }
  svg.datum({x, y});
  const values = grid.values, n = grid.n;
  const positive = surface.log_scale;
  const finite = values.filter(v => v !== null);
  const [lo, hi] = d3.extent(finite);
  const levels = positive
    ? d3.range(24).map(i => Math.max(lo, 1e-3) * (hi / Math.max(lo, 1e-3)) ** (i / 24))
    : d3.range(-12, 13).map(i => i * (hi - lo) / 24);
  const contours = d3.contours().size([n, n]).thresholds(levels)(values.map(v => v ?? hi));
  const toPlot = d3.geoTransform({point(px, py) {
    this.stream.point(x(x0 + (x1 - x0) * px / (n - 1)), y(y0 + (y1 - y0) * py / (n - 1)));
  }});
  svg.select('.contour').selectAll('path').data(contours).join('path').attr('d', d3.geoPath(toPlot));
  svg.select('.axis.x').attr('transform', `translate(0,${SIZE - MARGIN})`).call(d3.axisBottom(x).ticks(6));
  svg.select('.axis.y').attr('transform', `translate(${MARGIN},0)`).call(d3.axisLeft(y).ticks(6));
  const line = d3.line().x(p => x(p[0])).y(p => y(p[1]));
  svg.select('.paths').selectAll('path').data(result.racers).join('path')
    .attr('class', 'trajectory')
    .attr('data-rule', r => r.rule)
    // The exact numbers drawn (shortest text that reads back to the same double), for the tests.
    .attr('data-x', r => r.x.join(' '))
    .attr('data-y', r => r.y.join(' '))
    .attr('data-shown', r => Math.min(shownStep, r.x.length - 1) + 1)
    .attr('stroke', r => colourOf(r.rule))
    .attr('d', r => line(r.x.slice(0, shownStep + 1).map((v, i) => [v, r.y[i]])
                          .map(([a, b]) => [clamp(a, x0, x1), clamp(b, y0, y1)])));
  svg.select('.start').attr('cx', x(clamp(scene.x, x0, x1))).attr('cy', y(clamp(scene.y, y0, y1)));
}

function surfaceScales() {
  const {x, y} = d3.select('#contour-svg').datum();
  return [x, y];
}

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo - (hi - lo)), hi + (hi - lo));

/** A small line chart of series [{colour, dash, values}] against the step, log or linear. */
function chart(id, title, series, log) {
  const width = 420, height = 180;
  const root = d3.select('#' + id);
  root.selectAll('*').remove();
  const svg = root.append('svg').attr('width', width).attr('height', height);
  svg.append('text').attr('x', 46).attr('y', 12).text(title);
  const all = series.flatMap(s => s.values).filter(v => Number.isFinite(v) && (!log || v > 0));
  if (all.length === 0) return;
  const x = d3.scaleLinear([0, scene.steps], [46, width - 8]);
  const extent = d3.extent(all);
  const y = (log ? d3.scaleLog() : d3.scaleLinear()).domain(log ? [Math.max(extent[0], extent[1] * 1e-16), extent[1]] : extent)
    .range([height - 22, 18]).nice();
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - 22})`).call(d3.axisBottom(x).ticks(5));
  svg.append('g').attr('class', 'axis').attr('transform', 'translate(46,0)').call(d3.axisLeft(y).ticks(4, log ? '.0e' : undefined));
  const line = d3.line().defined(v => Number.isFinite(v) && (!log || v > 0)).x((v, i) => x(i)).y(v => y(Math.max(v, y.domain()[0])));
  for (const s of series)
    svg.append('path').attr('class', 'trajectory').attr('stroke', s.colour).attr('stroke-dasharray', s.dash || null)
      .attr('d', line(s.values.slice(0, shownStep + 1)));
}

function drawLoss() {
  const surface = catalogue.surfaces.find(s => s.name === scene.surface);
  chart('loss', surface.log_scale ? 'loss against step (log scale)' : 'loss against step',
        result.racers.map(r => ({colour: colourOf(r.rule), values: r.loss})), surface.log_scale);
}

/** The ravine's eigendirections are the axes: x along λmin (solid), y along λmax (dashed). */
function drawEigen() {
  $('eigen').hidden = scene.surface !== 'ravine';
  if (scene.surface !== 'ravine') return;
  chart('eigen', 'error along the eigendirections: |x| (λmin) solid, |y| (λmax) dashed',
        result.racers.flatMap(r => [{colour: colourOf(r.rule), values: r.x.map(Math.abs)},
                                    {colour: colourOf(r.rule), dash: '4 3', values: r.y.map(Math.abs)}]), true);
}

/** The logistic loss's data, with each racer's decision line w·x = 0 at the shown step. */
function drawData() {
  $('data').hidden = scene.surface !== 'logistic';
  if (scene.surface !== 'logistic') return;
  const size = 220;
  const root = d3.select('#data');
  root.selectAll('*').remove();
  const svg = root.append('svg').attr('width', size).attr('height', size);
  const x = d3.scaleLinear([-4, 4], [0, size]), y = d3.scaleLinear([-4, 4], [size, 0]);
  svg.selectAll('circle').data(catalogue.data).join('circle').attr('r', 3)
    .attr('cx', d => x(d[0])).attr('cy', d => y(d[1])).attr('fill', d => d[2] > 0 ? '#1f77b4' : '#d62728');
  for (const r of result.racers) {
    const t = Math.min(shownStep, r.x.length - 1), w1 = r.x[t], w2 = r.y[t];
    const ends = Math.abs(w2) > Math.abs(w1) ? [[-4, 4 * w1 / w2], [4, -4 * w1 / w2]]
                                             : [[4 * w2 / w1, -4], [-4 * w2 / w1, 4]];
    svg.append('line').attr('stroke', colourOf(r.rule))
      .attr('x1', x(ends[0][0])).attr('y1', y(ends[0][1])).attr('x2', x(ends[1][0])).attr('y2', y(ends[1][1]));
  }
  svg.append('text').attr('x', 4).attr('y', 12).text('data and decision lines w·x = 0');
}

function drawSummary() {
  const minimum = MINIMA[scene.surface];
  const rows = result.racers.map(r => {
    const spec = catalogue.rules.find(x => x.name === r.rule);
    const arrived = minimum ? r.x.findIndex((v, i) => Math.hypot(v - minimum[0], r.y[i] - minimum[1]) < TOLERANCE) : -1;
    return `<tr data-rule="${r.rule}"><td style="color:${colourOf(r.rule)}">${spec.title}</td>
      <td>${r.loss[r.loss.length - 1]?.toPrecision(4) ?? 'diverged'}</td>
      <td class="arrival">${minimum ? (arrived >= 0 ? arrived : 'not yet') : ''}</td>
      <td>${r.diverged ? 'diverged' : ''}</td></tr>`;
  });
  $('summary').innerHTML = `<tr><th>rule</th><th>final loss</th>
    <th>${minimum ? `steps to |θ − θ*| < ${TOLERANCE}` : ''}</th><th></th></tr>` + rows.join('');
}

function animate() {
  if (playing && result && shownStep < scene.steps) {
    shownStep = Math.min(scene.steps, shownStep + Math.max(1, Math.round(scene.steps / 150)));
    draw();
  }
  document.body.dataset.ready = String(!playing || shownStep >= scene.steps);
  requestAnimationFrame(animate);
}

XgradExplorer().then(module => {
  api = module;
  catalogue = call('xgrad_explorer_catalogue', [], []);
  scene = parseQuery(location.search.length > 1 ? location.search : catalogue.opening);
  buildControls();
  loadGrid();
  syncControls();
  recompute();
  requestAnimationFrame(animate);
});

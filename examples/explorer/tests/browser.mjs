// The explorer page in a real browser: Debian's chromium, driven by playwright-core, loads the
// built page from file://, picks a surface and rules, moves a slider, drags the start point, and
// checks that the trajectories drawn are the native library's for the same scene, that the URL
// brings the same scene back, and that a screenshot shows something.
import {createRequire} from 'node:module';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {compare, fail, native, need} from './common.mjs';

const site = need('EXPLORER_SITE', 'the built explorer page (cmake --build build --target explorer)');
const npm = need('EXPLORER_NPM', 'the npm packages of the build tree (cmake --build build --target explorer)');
const chromiumPath = need('EXPLORER_CHROMIUM', 'chromium (apt-get install chromium)');
const out = process.env.EXPLORER_OUT || tmpdir();
mkdirSync(out, {recursive: true});
const {chromium} = createRequire(join(npm, 'package.json'))('playwright-core');

// A fresh profile (playwright passes it as --user-data-dir).
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'xgrad-explorer-')), {
  executablePath: chromiumPath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: {width: 1300, height: 900},
});
const errors = [];

async function open(url) {
  const page = await context.newPage();
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await settled(page);
  return page;
}

/** Waits until the animation has drawn every step of the current scene. */
async function settled(page) {
  try {
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, {timeout: 60000});
  } catch (e) {
    fail(`the page did not finish drawing: ${e.message}; errors in the page: ${errors.join('; ')}`);
  }
}

/** The scene's query and every trajectory drawn, read from the page's DOM. */
async function shown(page) {
  return page.evaluate(() => ({
    query: location.search.slice(1),
    racers: [...document.querySelectorAll('#contour-svg .trajectory')].map(p => ({
      rule: p.dataset.rule,
      x: p.dataset.x.split(' ').map(Number),
      y: p.dataset.y.split(' ').map(Number),
      shown: Number(p.dataset.shown),
    })),
  }));
}

async function checkAgainstNative(page, label) {
  const drawn = await shown(page);
  if (drawn.racers.length === 0) fail(`${label}: no trajectory drawn`);
  for (const r of drawn.racers)
    if (r.shown !== r.x.length) fail(`${label}: ${r.rule} shows ${r.shown} of ${r.x.length} points`);
  const ulps = compare(label, drawn, native(drawn.query));
  if (ulps !== 0) fail(`${label}: the page's trajectories differ from native by ${ulps} ulp (${drawn.query})`);
  console.log(`${label}: ${drawn.racers.length} trajectories equal native to the last bit: ${drawn.query}`);
  return drawn;
}

const index = 'file://' + join(site, 'index.html');
const page = await open(index);

// The opening scene: GD at its best rate against momentum at the closed-form optimum.
const opening = await checkAgainstNative(page, 'opening scene');
const arrival = await page.$$eval('#summary tr[data-rule] .arrival', cells => cells.map(c => Number(c.textContent)));
if (!(arrival.length === 2 && arrival[0] >= 3 * arrival[1]))
  fail(`opening scene: momentum should arrive at least 3x sooner than GD, steps ${arrival}`);
console.log(`opening scene: steps to tolerance GD ${arrival[0]}, momentum ${arrival[1]}`);
await page.screenshot({path: join(out, 'explorer.png')});

// Rosenbrock with Adam and Nesterov added, Adam's learning rate moved, the start point dragged.
await page.selectOption('#surface', 'rosenbrock');
await page.check('#race-adam');
await page.check('#race-nesterov');
await page.locator('#lr-adam').fill('-1.3');
await settled(page);
const box = await page.locator('#contour-svg').boundingBox();
await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
await page.mouse.down();
await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.35, {steps: 5});
await page.mouse.up();
await settled(page);
const dragged = await checkAgainstNative(page, 'rosenbrock, four rules, dragged start');
const adam = dragged.racers.find(r => r.rule === 'adam');
if (!adam || !dragged.query.includes('racer=adam,lr:0.05012')) fail(`the lr slider did not reach the scene: ${dragged.query}`);
if (opening.racers[0].x[0] === adam.x[0] || dragged.query.includes('x=-1.2&'))
  fail(`dragging did not move the start point: ${dragged.query}`);

// The URL brings the same scene back in a fresh page: controls, query and trajectories.
const again = await open(page.url());
const reloaded = await shown(again);
if (reloaded.query !== dragged.query) fail(`URL round trip: ${reloaded.query} != ${dragged.query}`);
if (compare('URL round trip', reloaded, dragged) !== 0) fail('URL round trip changed the trajectories');
const controls = await again.evaluate(() => [document.getElementById('surface').value,
  document.getElementById('race-adam').checked, document.getElementById('race-nesterov').checked]);
if (controls.join() !== 'rosenbrock,true,true') fail(`URL round trip: controls show ${controls}`);
console.log('URL round trip: same scene, controls and trajectories');
await again.close();
await page.bringToFront();  // a page in the background gets no animation frames

// The logistic loss: mini-batches of 4, reshuffled per epoch, with a decaying learning rate.
await page.selectOption('#surface', 'logistic');
await page.check('input[name=batch][value=minibatch]');
await page.locator('#batch_size').fill('4');
await page.selectOption('#schedule', 'inverse_time');
await settled(page);
const logistic = await checkAgainstNative(page, 'logistic loss, mini-batch 4, inverse-time decay');
if (!logistic.query.includes('batch_size=4')) fail(`the batch-size slider did not reach the scene: ${logistic.query}`);
if ((await page.$$('#data circle')).length !== 32) fail('the data panel does not show the 32 examples');

// A screenshot that is not blank: decoded by the browser, many pixels far from white.
const png = await page.screenshot({path: join(out, 'explorer-logistic.png')});
const coloured = await page.evaluate(async data => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [image.width, image.height];
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const pixels = g.getImageData(0, 0, image.width, image.height).data;
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 600) ++count;
  return count / (pixels.length / 4);
}, png.toString('base64'));
if (!(coloured > 0.01)) fail(`the screenshot is blank (${(100 * coloured).toFixed(2)} % non-white pixels)`);
console.log(`screenshot: ${(100 * coloured).toFixed(1)} % non-white pixels, ${join(out, 'explorer.png')}`);

if (errors.length) fail(`errors in the page: ${errors.join('; ')}`);
await context.close();
console.log('browser test passed');

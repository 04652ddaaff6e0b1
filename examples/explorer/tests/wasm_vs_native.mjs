// The WebAssembly module (run by node) against the native library: every rule on every surface,
// the schedules and the logistic loss's batch modes, trajectory for trajectory.
import {createRequire} from 'node:module';
import {compare, fail, native, need} from './common.mjs';

const site = need('EXPLORER_SITE', 'the built explorer page (cmake --build build --target explorer)');
const factory = createRequire(import.meta.url)(site + "/xgrad_explorer.js");
const module = await factory();
const run = query => JSON.parse(module.ccall('xgrad_explorer_run', 'string', ['string'], [query]));
const catalogue = JSON.parse(module.ccall('xgrad_explorer_catalogue', 'string', [], []));

const everyRule = catalogue.rules.map(r => `racer=${r.name}`).join('&');
const scenes = [
  catalogue.opening,
  ...catalogue.surfaces.map(s => `surface=${s.name}&steps=150&${everyRule}`),
  `surface=ravine&kappa=300&steps=200&schedule=exponential&decay=0.02&${everyRule}`,
  `surface=rosenbrock&steps=300&schedule=inverse_time&decay=0.05&racer=momentum,lr:0.001,momentum:0.95&racer=adam,lr:0.05`,
  `surface=logistic&batch=sgd&steps=200&schedule=inverse_time&decay=0.05&${everyRule}`,
  `surface=logistic&batch=minibatch&batch_size=5&seed=3&steps=120&${everyRule}`,
];
// The paths must agree to the last bit. The loss printed beside them may differ by an ulp on the
// logistic loss: the forward value calls log1p, whose last bit differs between glibc (native) and
// musl (emscripten) on some arguments; the gradients use exp only, which agrees.
let worstPath = 0, worstLoss = 0;
for (const query of scenes) {
  const page = run(query);
  if (page.error) fail(`${query}: ${page.error}`);
  const expected = native(query);
  const path = compare(query, page, expected), loss = compare(query, page, expected, ['loss']);
  console.log(`paths ${path === 0 ? 'identical' : `differ by up to ${path} ulp`}, losses within ${loss} ulp: ${query}`);
  worstPath = Math.max(worstPath, path);
  worstLoss = Math.max(worstLoss, loss);
}
if (worstPath !== 0) fail(`WebAssembly and native trajectories differ by up to ${worstPath} ulp`);
if (worstLoss > 1) fail(`WebAssembly and native losses differ by up to ${worstLoss} ulp`);
console.log(`${scenes.length} scenes: WebAssembly and native trajectories identical to the last bit, ` +
            `losses within ${worstLoss} ulp`);

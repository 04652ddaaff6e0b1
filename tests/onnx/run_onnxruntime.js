// Runs every <dir>/<name>.onnx that test_onnx_export.cpp wrote with ONNX Runtime (onnxruntime-node,
// installed by `npm ci` into <dir>/../npm) on <name>.json's input, and fails unless each output
// matches xgrad's: same shape, and |ort - xgrad| <= 1e-6 + 1e-5 |xgrad| for every element.
// Usage: node run_onnxruntime.js <models dir> <npm dir>
const fs = require('fs');
const path = require('path');
const [dir, npmDir] = process.argv.slice(2);
let ort;
try {
  ort = require(path.join(npmDir, 'node_modules', 'onnxruntime-node'));
} catch (e) {
  console.error(`FAIL: onnxruntime-node is not installed under ${npmDir} (the build target ` +
                `xgrad_onnxruntime runs npm ci there; needs nodejs and npm): ${e.message}`);
  process.exit(1);
}

async function check(name) {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, name + '.json')));
  const session = await ort.InferenceSession.create(path.join(dir, name + '.onnx'));
  const input = new ort.Tensor('float32', Float32Array.from(ref.input), ref.input_shape);
  const output = (await session.run({input}))[session.outputNames[0]];
  if (JSON.stringify(Array.from(output.dims)) !== JSON.stringify(ref.output_shape))
    throw new Error(`${name}: output shape ${output.dims} differs from xgrad's ${ref.output_shape}`);
  let worst = 0, failures = 0;
  for (let i = 0; i < output.data.length; ++i) {
    const diff = Math.abs(output.data[i] - ref.output[i]);
    worst = Math.max(worst, diff / Math.max(Math.abs(ref.output[i]), 1e-6));
    if (!(diff <= 1e-6 + 1e-5 * Math.abs(ref.output[i]))) {
      if (failures++ < 5)
        console.error(`${name}[${i}]: onnxruntime ${output.data[i]}, xgrad ${ref.output[i]}`);
    }
  }
  console.log(`${name}: ${output.data.length} outputs, max relative difference ` +
              `${worst.toExponential(2)}${failures ? `, ${failures} outside tolerance` : ''}`);
  return failures === 0;
}

(async () => {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  if (names.length === 0) throw new Error(`no models in ${dir}`);
  let ok = true;
  for (const name of names.sort()) ok = (await check(name)) && ok;
  console.log(ok ? `onnxruntime ${ort.env.versions.common}: all ${names.length} models match`
                 : 'FAIL: outputs differ');
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.error('FAIL: ' + e.message);
  process.exit(1);
});

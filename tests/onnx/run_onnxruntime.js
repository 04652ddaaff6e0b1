// Runs <dir>/mlp.onnx with onnxruntime-node on <dir>/mlp.json's input; fails unless every output
// is within 1e-5 relative of xgrad's.
const fs = require('fs');
const dir = process.argv[2];
let ort;
try {
  ort = require(dir + '/npm/node_modules/onnxruntime-node');
} catch (e) {
  console.error('FAIL: onnxruntime-node not found under ' + dir +
                '/npm (build target xgrad_onnxruntime runs npm install): ' + e.message);
  process.exit(1);
}
(async () => {
  const ref = JSON.parse(fs.readFileSync(dir + '/mlp.json'));
  const session = await ort.InferenceSession.create(dir + '/mlp.onnx');
  const input = new ort.Tensor('float32', Float32Array.from(ref.input), ref.input_shape);
  const result = await session.run({input});
  const out = result[session.outputNames[0]].data;
  if (out.length !== ref.output.length) {
    console.error('FAIL: output has ' + out.length + ' values, expected ' + ref.output.length);
    process.exit(1);
  }
  let worst = 0;
  for (let i = 0; i < out.length; ++i) {
    const rel = Math.abs(out[i] - ref.output[i]) / Math.max(Math.abs(ref.output[i]), 1e-6);
    worst = Math.max(worst, rel);
  }
  console.log('max relative error vs onnxruntime: ' + worst.toExponential(3));
  if (!(worst <= 1e-5)) {
    console.error('FAIL: max relative error ' + worst + ' > 1e-5');
    process.exit(1);
  }
})().catch((e) => { console.error('FAIL: ' + e); process.exit(1); });

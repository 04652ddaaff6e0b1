// What both explorer tests share: the paths ctest passes, the native program, and comparing
// trajectories number by number.
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';

export function need(variable, what) {
  const value = process.env[variable];
  if (!value || !existsSync(value)) fail(`${variable}=${value ?? ''}: ${what} is missing`);
  return value;
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

/** The trajectories the native library computes for the scene `query`. */
export function native(query) {
  const program = need('EXPLORER_NATIVE', 'the native explorer_trajectories program (build it)');
  return JSON.parse(execFileSync(program, [query], {encoding: 'utf8'}));
}

/** Distance in units in the last place between two doubles (0: the same bits). */
export function ulps(a, b) {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  const ia = view.getBigInt64(0), ib = view.getBigInt64(8);
  const ordered = i => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = ordered(ia) - ordered(ib);
  return Number(d < 0n ? -d : d);
}

/**
 * Compares two {racers: [{rule, x, y, loss}]} answers; returns the largest difference in ulps of
 * the fields `keys`, and fails on different rules or lengths.
 */
export function compare(label, got, expected, keys = ['x', 'y']) {
  if (got.racers.length !== expected.racers.length)
    fail(`${label}: ${got.racers.length} racers, native ${expected.racers.length}`);
  let worst = 0;
  got.racers.forEach((r, i) => {
    const e = expected.racers[i];
    if (r.rule !== e.rule) fail(`${label}: racer ${i} is ${r.rule}, native ${e.rule}`);
    for (const key of keys) {
      if (r[key].length !== e[key].length)
        fail(`${label}: ${r.rule} has ${r[key].length} values of ${key}, native ${e[key].length}`);
      r[key].forEach((v, t) => { worst = Math.max(worst, ulps(v, e[key][t])); });
    }
  });
  return worst;
}

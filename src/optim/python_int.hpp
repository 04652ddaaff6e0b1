#pragma once
// Python's integer % and // (private to the schedules).

namespace xgrad::optim::detail {

/// Python's a % b and a // b for b > 0 (the result takes b's sign, unlike C++'s).
inline int py_mod(int a, int b) { return ((a % b) + b) % b; }
inline int floor_div(int a, int b) { return (a - py_mod(a, b)) / b; }

}  // namespace xgrad::optim::detail

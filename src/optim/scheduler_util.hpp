#pragma once
// State-dict and integer helpers shared by the learning-rate schedules (private).

#include <string>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim::detail {

/// Python's a % b and a // b for b > 0 (the result takes b's sign, unlike C++'s).
inline int py_mod(int a, int b) { return ((a % b) + b) % b; }
inline int floor_div(int a, int b) { return (a - py_mod(a, b)) / b; }

/// "<key>.<g>" entries, one per value.
void save_list(StateDict& out, const std::string& key, const std::vector<double>& values);
/// Reads `count` entries "<key>.<g>"; ValueError if one is missing or there are more.
std::vector<double> load_list(const StateDict& in, const std::string& key, std::size_t count,
                              const char* owner);
int load_int(const StateDict& in, const std::string& key, const char* owner);
double load_number(const StateDict& in, const std::string& key, const char* owner);
bool load_bool(const StateDict& in, const std::string& key, const char* owner);

/// "30,80" <-> {30, 80}.
std::string int_list_text(const std::vector<int>& values);
std::vector<int> parse_int_list(const std::string& text, const std::string& what);

}  // namespace xgrad::optim::detail

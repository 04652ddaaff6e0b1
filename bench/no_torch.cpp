// Built without libtorch: the benchmark runs the xgrad side only.
#include "cases.hpp"

namespace bench {
std::unique_ptr<Side> make_torch_side() { return nullptr; }
}  // namespace bench

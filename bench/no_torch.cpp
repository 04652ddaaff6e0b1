// Built without libtorch: the benchmark runs the xgrad side only.
#include "cases.hpp"
#include "peers.hpp"

namespace bench {
std::unique_ptr<Side> make_torch_side() { return nullptr; }
std::vector<LossPoint> torch_mlp_curve(const std::vector<Batch>&, const MlpInit&) { return {}; }
}  // namespace bench

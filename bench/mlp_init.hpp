#pragma once
// One starting point for the MLP 784-128-10 in every library, so that their loss curves can be
// compared step for step: the same weights, drawn once, copied into each library's layers.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

/// The weights of an MLP, layer by layer, in libtorch's layout: weight (out, in) row-major, bias
/// (out). Drawn like torch.nn.Linear's default, U(-1/sqrt(in), 1/sqrt(in)) for both, from a
/// seeded engine (the libraries' own initialisations differ and would make the curves differ).
struct MlpInit {
    std::vector<std::size_t> layers;  // {784, 128, 10}
    std::vector<std::vector<float>> weight, bias;
};

/// The starting weights for `layers` drawn with `seed`.
MlpInit make_mlp_init(const std::vector<std::size_t>& layers, std::uint64_t seed = 42);

}  // namespace bench

#pragma once
// The MLP 784-128-10 trained from one start by every library built in: a check that each step
// really trains (the loss falls), and the loss-vs-time plot of docs/performance.md.

#include <memory>
#include <string>
#include <vector>

#include "fashion.hpp"
#include "peers.hpp"

namespace bench {

/// Trains each library for `steps` steps of batch 64 from the same start and prints its loss at
/// a few steps. Returns false when a library's mean loss over the last 20 steps is not clearly
/// below its first step's (a step that does not train would be a no-op to compare against).
bool check_training(const Images& images, const std::vector<std::unique_ptr<MlpPeer>>& peers,
                    std::size_t steps = 300);

/// Writes the loss against seconds of training for xgrad and libtorch (same start, same batches,
/// one thread) as `png` (and `png` with .csv for the data), drawn by gnuplot; a notice and no
/// plot when built without libtorch.
void plot_loss_curves(const Images& images, const std::string& png, std::size_t steps = 400);

}  // namespace bench

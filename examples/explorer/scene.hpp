#pragma once
// A scene of the explorer: a surface, a start point, the racing update rules with their
// settings, the learning-rate schedule and (on the logistic loss) how the data is walked. The
// page keeps it in its URL's query string, and this file reads the same string, so a link, the
// page, the WebAssembly module and the native program all run the same scene.

#include <cstdint>
#include <string>
#include <vector>

#include "rules.hpp"

namespace explorer {

/// One racer: an update rule and its settings.
struct Racer {
    std::string rule;
    Settings settings;
};

struct Scene {
    std::string surface = "ravine";
    /// The ravine's condition number λmax / λmin.
    double kappa = 20;
    double x = -5, y = -2;
    /// Updates per racer.
    std::size_t steps = 100;
    /// "constant", "exponential" (lr·(1 − decay)^t, ExponentialLR) or "inverse_time"
    /// (lr / (1 + decay·t), InverseTimeLR).
    std::string schedule = "constant";
    double decay = 0.01;
    /// On the logistic loss: "full" (batch gradient descent), "sgd" (one example per update) or
    /// "minibatch" (batch_size examples); the order is reshuffled every epoch.
    std::string batch = "full";
    std::size_t batch_size = 8;
    std::uint64_t seed = 1;
    std::vector<Racer> racers;
};

/// Reads "surface=ravine&kappa=20&x=-5&y=-2&steps=100&racer=momentum,lr:0.668,momentum:0.4026&...";
/// missing keys keep Scene's defaults (the start point: the surface's), a racer's missing settings
/// its rule's defaults. ValueError naming the key on anything else.
Scene parse_scene(const std::string& query);

/// The opening scene: gradient descent at its best rate 2/(λmin + λmax) against heavy-ball
/// momentum at the closed-form optimum on the ravine with κ = 20, as a query string.
std::string opening_query();

/// The best constant settings for the ravine of condition number κ: GD's rate 2/(λmin + λmax),
/// heavy ball's α* = (2/(√λmax + √λmin))² and β* = ((√κ − 1)/(√κ + 1))².
struct RavineOptimum {
    double gd_lr, heavy_ball_lr, heavy_ball_momentum;
};
RavineOptimum ravine_optimum(double kappa);

/// A racer's path: the start and one point per update, the full loss at each, the learning rate
/// each update used; `diverged` when it left every bound (then the path stops there).
struct Trajectory {
    std::vector<double> x, y, loss, lr;
    bool diverged = false;
};

/// Runs every racer of `scene` with xgrad's optimizers and autodiff.
std::vector<Trajectory> run(const Scene& scene);

/// {"racers": [{"rule", "x", "y", "loss", "lr", "diverged"}...]}, every number with 17
/// significant digits (so it reads back bit for bit), non-finite ones as null.
std::string trajectories_json(const Scene& scene, const std::vector<Trajectory>& paths);

/// The rules and surfaces for the page: names, titles, settings used, defaults, views.
std::string catalogue_json();

/// The loss of `surface` on an n x n grid over its view (row-major, y outer), for contours.
std::string grid_json(const std::string& surface, double kappa, std::size_t n);

}  // namespace explorer

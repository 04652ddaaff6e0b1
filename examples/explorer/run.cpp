// Running a scene: every racer descends with its own xgrad optimizer from the same start, on
// the same sequence of examples.
#include <cmath>
#include <memory>
#include <numeric>

#include "scene.hpp"
#include "surfaces.hpp"

namespace explorer {
namespace {

using xgrad::Tensor;
namespace xo = xgrad::optim;

/// SplitMix64: a few integer operations, so the shuffles are the same in every build (the
/// standard library's distributions and std::shuffle differ between libstdc++ and libc++).
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

/// The examples of each update: all of them, or consecutive batches of an order reshuffled
/// (Fisher-Yates) at the start of every epoch; the last batch of an epoch may be smaller.
class BatchWalk {
public:
    BatchWalk(const Scene& scene, std::size_t examples)
        : order_(examples), size_(batch_size(scene, examples)), random_{scene.seed} {
        std::iota(order_.begin(), order_.end(), std::size_t(0));
        next_ = examples;  // shuffle before the first batch
        full_ = scene.batch == "full";
    }

    std::vector<std::size_t> next() {
        if (full_) return {};
        if (next_ >= order_.size()) {
            for (std::size_t i = order_.size() - 1; i > 0; --i)
                std::swap(order_[i], order_[random_.next() % (i + 1)]);
            next_ = 0;
        }
        const std::size_t end = std::min(next_ + size_, order_.size());
        std::vector<std::size_t> rows(order_.begin() + next_, order_.begin() + end);
        next_ = end;
        return rows;
    }

private:
    static std::size_t batch_size(const Scene& scene, std::size_t examples) {
        if (scene.batch == "sgd") return 1;
        return scene.batch == "minibatch" ? scene.batch_size : examples;
    }
    std::vector<std::size_t> order_;
    std::size_t size_, next_ = 0;
    bool full_ = true;
    SplitMix64 random_;
};

std::unique_ptr<xo::LRScheduler> schedule(const Scene& scene, xo::Optimizer& optimizer) {
    if (scene.schedule == "exponential")
        return std::make_unique<xo::ExponentialLR>(optimizer, 1 - scene.decay);
    if (scene.schedule == "inverse_time")
        return std::make_unique<xo::InverseTimeLR>(optimizer, scene.decay);
    return nullptr;
}

/// Far enough out that a path is lost.
constexpr double kDivergence = 1e6;

Trajectory descend(const Scene& scene, const Racer& racer) {
    const Surface& surface = explorer::surface(scene.surface);
    const Tensor x(scene.x, xgrad::TensorOptions(xgrad::DType::Float64).requires_grad(true)),
        y(scene.y, xgrad::TensorOptions(xgrad::DType::Float64).requires_grad(true));
    const auto optimizer = rule(racer.rule).make({x, y}, racer.settings);
    const auto scheduler = schedule(scene, *optimizer);
    BatchWalk walk(scene, surface.has_data ? logistic_data().size() : 0);
    Trajectory path;
    const auto record = [&] {
        xgrad::NoGradGuard no_grad;
        path.x.push_back(x.item());
        path.y.push_back(y.item());
        path.loss.push_back(loss(scene.surface, x, y, scene.kappa).item());
    };
    record();
    for (std::size_t t = 0; t < scene.steps; ++t) {
        path.lr.push_back(optimizer->lr());
        // Through a closure, as PyTorch's step(closure): L-BFGS's line search evaluates the loss
        // several times per step, always on this step's examples.
        const auto rows = walk.next();
        optimizer->step([&] {
            optimizer->zero_grad();
            Tensor value = loss(scene.surface, x, y, scene.kappa, rows);
            value.backward();
            return value;
        });
        if (scheduler) scheduler->step();
        record();
        if (!(std::abs(path.x.back()) < kDivergence && std::abs(path.y.back()) < kDivergence)) {
            path.diverged = true;
            break;
        }
    }
    return path;
}

}  // namespace

std::vector<Trajectory> run(const Scene& scene) {
    std::vector<Trajectory> paths;
    for (const Racer& racer : scene.racers) paths.push_back(descend(scene, racer));
    return paths;
}

}  // namespace explorer

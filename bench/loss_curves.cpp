#include "loss_curves.hpp"

#include <cstdio>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include "../examples/support/plot.hpp"

namespace bench {
namespace {

double mean_loss(const std::vector<LossPoint>& curve, std::size_t first, std::size_t last) {
    double sum = 0;
    for (std::size_t i = first; i < last; ++i) sum += curve[i].loss;
    return sum / static_cast<double>(last - first);
}

/// Prints one library's curve in a line; true when its last 20 steps' mean loss is at most half
/// its first step's (from about 2.3, 300 steps reach about 0.6-0.8 in every library).
bool report(const std::string& name, const std::vector<LossPoint>& curve) {
    const std::size_t n = curve.size();
    const double tail = mean_loss(curve, n - 20, n);
    const bool trains = tail <= 0.5 * curve.front().loss;
    std::printf(
        "%-18s step 0: %.4f  step 1: %.4f  step %zu: %.4f  last 20 steps: %.4f  %.2f s  %s\n",
        name.c_str(), curve[0].loss, curve[1].loss, n / 2, curve[n / 2].loss, tail,
        curve.back().seconds, trains ? "trains" : "DOES NOT TRAIN");
    return trains;
}

}  // namespace

bool check_training(const Images& images, const std::vector<std::unique_ptr<MlpPeer>>& peers,
                    std::size_t steps) {
    const auto batches = make_batches(images, 64, steps);
    const MlpInit init = make_mlp_init(peer_mlp_layers());
    std::printf(
        "MLP 784-128-10, batch 64, SGD lr 0.01 momentum 0.9, %zu steps, one start, one "
        "thread (step 0 is the same batch at the same weights: the losses must agree)\n",
        steps);
    bool ok = report("xgrad", xgrad_mlp_curve(batches, init));
    if (const auto torch = torch_mlp_curve(batches, init); !torch.empty())
        ok = report("libtorch", torch) && ok;
    for (const auto& peer : peers) {
        peer->set_threads(1);
        ok = report(peer->name(), peer->train(batches, init)) && ok;
    }
    return ok;
}

void plot_loss_curves(const Images& images, const std::string& png, std::size_t steps) {
    const auto batches = make_batches(images, 64, steps);
    const MlpInit init = make_mlp_init(peer_mlp_layers());
    const auto xgrad = xgrad_mlp_curve(batches, init);
    const auto torch = torch_mlp_curve(batches, init);
    if (torch.empty()) {
        std::fprintf(stderr, "note: built without libtorch, so %s was not drawn\n", png.c_str());
        return;
    }

    // A running mean over the last 10 steps: one batch's loss is too noisy to read.
    const std::string csv = png.substr(0, png.rfind('.')) + ".csv";
    std::ofstream out(csv);
    out << "step,xgrad_seconds,xgrad_loss,libtorch_seconds,libtorch_loss\n";
    for (std::size_t i = 0; i < steps; ++i) {
        const std::size_t first = i >= 9 ? i - 9 : 0;
        out << i << ',' << xgrad[i].seconds << ',' << mean_loss(xgrad, first, i + 1) << ','
            << torch[i].seconds << ',' << mean_loss(torch, first, i + 1) << '\n';
    }
    if (!out.flush()) throw std::runtime_error("cannot write " + csv);
    const std::string script =
        "set datafile separator ','\nset key top right\nset grid\n"
        "set multiplot layout 1,2 title 'Fashion-MNIST MLP 784-128-10, batch 64, SGD momentum "
        "0.9, lr 0.01, same start, one thread'\n"
        "set ylabel 'cross-entropy (mean of the last 10 batches)'\n"
        "set xlabel 'step'\nplot '" +
        csv +
        "' using 1:3 with lines title 'xgrad', '' using 1:5 "
        "with lines dt 2 title 'libtorch'\n"
        "set xlabel 'seconds of training'\nplot '" +
        csv +
        "' using 2:3 with lines title "
        "'xgrad', '' using 4:5 with lines title 'libtorch'\nunset multiplot\n";
    examples::plot_png(script, png, 1200, 450);
}

}  // namespace bench

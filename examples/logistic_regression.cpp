// logistic_regression: the lecture's loss L(w, b) = −Σ log σ(yₙ(w·xₙ + b)) on two Gaussian clouds,
// trained for the same number of epochs with batch GD (one update per epoch), SGD (one update per
// example) and mini-batch GD (n = 50), and SGD again with a slowly decreasing learning rate
// η_t = η₀ / (1 + k·t), and constant-lr SGD once more, reporting the SWA average of its iterates
// over the second half of the epochs (nn::AveragedModel). Prints updates, loss, accuracy and time,
// then each variant's excess loss over the minimum L* that L-BFGS finds; plots the loss after every
// update.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <xgrad/data.hpp>
#include <xgrad/nn.hpp>
#include <xgrad/optim.hpp>
#include <xgrad/xgrad.hpp>

#include "support/csv_log.hpp"
#include "support/plot.hpp"

using namespace xgrad;

struct Variant {
    std::string name;
    data::BatchSampler sampler;
    double lr, decay;  // decay k of η₀ / (1 + k·t), t counting updates; 0 keeps η constant
    bool swa = false;  // report the average of the iterates of the second half of the epochs
};

struct Model : nn::Module {
    Tensor w = register_parameter("w", zeros({2, 1}, DType::Float64));
    Tensor b = register_parameter("b", zeros({}, DType::Float64));
    Tensor scores(const Tensor& x) const { return matmul(x, w) + b; }
    Tensor forward(const Tensor& x) override { return scores(x); }
};

double accuracy(const Model& m, const Tensor& x, const Tensor& y) {
    NoGradGuard no_grad;
    const auto margins = (m.scores(x) * y).to_vector();
    return static_cast<double>(
               std::count_if(margins.begin(), margins.end(), [](double v) { return v > 0; })) /
           static_cast<double>(margins.size());
}

int main(int argc, char** argv) {
    CLI::App app{"Batch, stochastic and mini-batch gradient descent on the logistic loss"};
    std::string out_dir = "xgrad-output";
    std::size_t n = 1000, epochs = 20, mini_batch = 50;
    double batch_lr = 1.0, sgd_lr = 0.1, decay = 1e-3;
    std::uint64_t seed = 7;
    app.add_option("--out", out_dir, "directory for the CSV and PNG files");
    app.add_option("--examples", n, "size of the generated data set")->check(CLI::PositiveNumber);
    app.add_option("--epochs", epochs, "passes over the data for every variant")
        ->check(CLI::PositiveNumber);
    app.add_option("--mini-batch", mini_batch, "examples per mini-batch")
        ->check(CLI::PositiveNumber);
    app.add_option("--batch-lr", batch_lr,
                   "learning rate of batch and mini-batch GD (on the mean loss)");
    app.add_option("--sgd-lr", sgd_lr, "learning rate of SGD");
    app.add_option("--decay", decay, "k in the decreasing SGD learning rate η₀/(1 + k·t)");
    app.add_option("--seed", seed, "seed of the data and of the shuffles");
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(out_dir);

    // Two Gaussian clouds centred at ±(1.5, 1.5) with labels +1 and −1: they overlap a little, so
    // the loss has a finite minimiser (on separable data it would only approach 0 as |w| → ∞).
    manual_seed(seed);
    const Tensor labels = where(gt(rand({n, 1}, DType::Float64), full({}, 0.5, DType::Float64)),
                                ones({n, 1}, DType::Float64), full({n, 1}, -1.0, DType::Float64));
    const Tensor x = randn({n, 2}, DType::Float64) + labels * 1.5;
    const auto data = std::make_shared<data::TensorDataset>(x, labels);

    const std::vector<Variant> variants{
        {"batch", data::BatchSampler::batch(n), batch_lr, 0.0},
        {"stochastic", data::BatchSampler::stochastic(n, seed), sgd_lr, 0.0},
        {"mini-batch", data::BatchSampler::mini_batch(n, mini_batch, false, seed), batch_lr, 0.0},
        {"stochastic, decreasing lr", data::BatchSampler::stochastic(n, seed), sgd_lr, decay},
        {"stochastic, SWA average", data::BatchSampler::stochastic(n, seed), sgd_lr, 0.0, true}};

    examples::CsvLog log(out_dir + "/logistic_loss.csv", {"variant", "update", "epoch", "loss"});
    double lowest_loss = std::numeric_limits<double>::infinity();
    std::printf("%-26s %8s %12s %9s %9s\n", "variant", "updates", "final loss", "accuracy", "time");
    std::vector<double> final_losses;
    for (std::size_t v = 0; v < variants.size(); ++v) {
        const Variant& variant = variants[v];
        Model model;
        nn::AveragedModel average(model, std::make_shared<Model>());  // SWA's running mean
        // What is evaluated: the model, or its average once averaging has begun.
        const auto evaluated = [&]() -> const Model& {
            return variant.swa && average.n_averaged() > 0
                       ? static_cast<const Model&>(*average.module())
                       : model;
        };
        optim::SGD optimizer({model.w, model.b}, optim::SGDOptions(variant.lr));
        optim::InverseTimeLR schedule(optimizer, variant.decay);  // stepped once per update
        data::DataLoader loader(data, variant.sampler);
        std::size_t updates = 0;
        double seconds = 0;
        for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
            for (const auto& batch : loader.epoch(epoch)) {
                const auto start = std::chrono::steady_clock::now();
                optimizer.zero_grad();
                nn::logistic_loss(model.scores(batch.inputs), batch.targets).backward();
                optimizer.step();
                schedule.step();
                seconds +=
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                ++updates;
                if (variant.swa && 2 * epoch >= epochs) average.update_parameters(model);
                NoGradGuard no_grad;  // the full-data loss after every update, for the plot
                const double loss = nn::logistic_loss(evaluated().scores(x), labels).item();
                lowest_loss = std::min(lowest_loss, loss);
                log.row(v, updates,
                        static_cast<double>(updates) /
                            static_cast<double>(variant.sampler.batches_per_epoch()),
                        loss);
            }
        }
        NoGradGuard no_grad;
        final_losses.push_back(nn::logistic_loss(evaluated().scores(x), labels).item());
        std::printf("%-26s %8zu %12.6f %8.2f%% %8.3fs\n", variant.name.c_str(), updates,
                    final_losses.back(), 100 * accuracy(evaluated(), x, labels), seconds);
    }

    // The minimum L* of the full-data loss, by L-BFGS with a line search: the point every variant
    // should settle at. SGD with a constant lr keeps jittering around it; a decreasing lr or the
    // average of the iterates settle near it, as batch GD does.
    Model exact;
    optim::LBFGS lbfgs(exact.parameters(), optim::LBFGSOptions().line_search_fn("strong_wolfe"));
    for (int step = 0; step < 10; ++step)
        lbfgs.step([&] {
            lbfgs.zero_grad();
            Tensor loss = nn::logistic_loss(exact.scores(x), labels);
            loss.backward();
            return loss;
        });
    NoGradGuard no_grad;
    const double minimum = nn::logistic_loss(exact.scores(x), labels).item();
    std::printf("\nL-BFGS minimum L* = %.10f (%lld closure calls); excess loss L - L*:\n", minimum,
                static_cast<long long>(lbfgs.state().func_evals));
    for (std::size_t v = 0; v < variants.size(); ++v)
        std::printf("  excess %-26s %.3e\n", variants[v].name.c_str(), final_losses[v] - minimum);

    // Top: the whole run. Bottom: a zoom just above the lowest loss, where constant-lr SGD keeps
    // jumping around while the decreasing learning rate settles like batch GD.
    std::string curves;
    for (std::size_t v = 0; v < variants.size(); ++v)
        curves += std::string(v ? ", " : "") + "'" + out_dir +
                  "/logistic_loss.csv' using ($1==" + std::to_string(v) + " ? $3 : 1/0):4 with " +
                  (v == 0 ? "linespoints pt 7 ps 0.6" : "lines") + " title '" + variants[v].name +
                  "'";
    char zoom[160];
    std::snprintf(zoom, sizeof zoom, "set yrange [%.6g:%.6g]\nunset logscale y\n",
                  lowest_loss * 0.999, lowest_loss * 1.04);
    const std::string script =
        "set multiplot layout 2,1\nset datafile separator ','\nset xlabel 'epoch'\n"
        "set ylabel 'full-data loss (mean)'\nset key top right\nset logscale y\n"
        "set title 'Logistic loss after every update: few smooth batch steps, many noisy SGD "
        "steps'\nplot " +
        curves +
        "\nset title 'Zoom near the minimum: SGD with constant lr fluctuates, a decreasing lr "
        "converges'\n" +
        zoom + "plot " + curves + "\nunset multiplot\n";
    examples::plot_png(script, out_dir + "/logistic_regression.png", 1200, 900);
}

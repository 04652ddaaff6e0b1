// ravine: why momentum helps. On the ravine f = 0.1x² + 2y² (curvatures λmin = 0.2, λmax = 4,
// condition number κ = 20), plain gradient descent at its best learning rate 2/(λmin + λmax)
// zig-zags across the steep direction and crawls along the flat one, shrinking the error by
// (κ − 1)/(κ + 1) per step; heavy-ball momentum at the closed-form best settings
// α* = (2/(√λmax + √λmin))², β* = ((√κ − 1)/(√κ + 1))² shrinks it by (√κ − 1)/(√κ + 1) and arrives
// several times sooner; Nesterov at α = 1/λmax, μ = (√κ − 1)/(√κ + 1) lies in between. Then the
// same three rules on Rosenbrock from (−1.2, 1); trajectories over contour lines.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "support/csv_log.hpp"
#include "support/plot.hpp"
#include "support/surface.hpp"

using xgrad::Tensor;

namespace {

/// SGD at learning rate `lr` with heavy-ball (or Nesterov) momentum `momentum`.
examples::OptimizerFactory sgd(double lr, double momentum, bool nesterov) {
    return [=](std::vector<Tensor> params) {
        return std::make_unique<xgrad::optim::SGD>(
            std::move(params), xgrad::optim::SGDOptions(lr).momentum(momentum).nesterov(nesterov));
    };
}

struct Rule {
    std::string name, title;
    double lr, momentum;
    bool nesterov;
    double rate;  // the error's contraction per step on the quadratic (0: not a quadratic)
};

struct Problem {
    std::string name;
    examples::Surface f;
    double x0, y0;
    std::vector<Rule> rules;
    std::size_t steps;
    std::string gnuplot_f, xrange, yrange, levels;
};

std::string title(const char* format, double a, double b) {
    char text[64];
    std::snprintf(text, sizeof text, format, a, b);
    return text;
}

/// The distance to the ravine's minimum against the step, on a log scale: straight lines whose
/// slopes are the rates per step.
std::string error_panel(const std::string& csv, const std::vector<Rule>& rules) {
    std::string s =
        "set title 'ravine: distance to the minimum'\nset logscale y\nset format y '10^{%L}'\n"
        "set xlabel 'step'\nset key top right\nset autoscale\nset yrange [1e-6:10]\n"
        "set datafile separator ','\nplot";
    for (std::size_t i = 0; i < rules.size(); ++i)
        s += std::string(i ? "," : "") + " '" + csv + "' using 1:(sqrt($" +
             std::to_string(2 * i + 2) + "**2 + $" + std::to_string(2 * i + 3) +
             "**2)) every ::1 with lines lt " + std::to_string(i + 1) + " title '" + rules[i].name +
             "'";
    return s + "\nunset logscale y\nset format y\nunset xlabel\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Plain GD, momentum and Nesterov at their best settings on a ravine, and on Rosenbrock"};
    std::string out_dir = "xgrad-output";
    double tolerance = 1e-6, rosenbrock_lr = 1e-3;
    std::size_t max_steps = 2000, rosenbrock_steps = 3000;
    app.add_option("--out", out_dir, "directory for the CSV and PNG files");
    app.add_option("--tolerance", tolerance,
                   "distance to the ravine's minimum that counts as arrived")
        ->check(CLI::PositiveNumber);
    app.add_option("--max-steps", max_steps, "give up on the ravine after this many steps");
    app.add_option("--rosenbrock-lr", rosenbrock_lr, "learning rate on Rosenbrock");
    app.add_option("--rosenbrock-steps", rosenbrock_steps, "steps on Rosenbrock");
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(out_dir);

    const double lmin = 0.2, lmax = 4.0, kappa = lmax / lmin;
    const double gd_lr = 2.0 / (lmin + lmax);
    const double heavy_ball_lr = std::pow(2.0 / (std::sqrt(lmax) + std::sqrt(lmin)), 2.0);
    const double sqrt_rate = (std::sqrt(kappa) - 1.0) / (std::sqrt(kappa) + 1.0);
    const double heavy_ball_momentum = sqrt_rate * sqrt_rate;
    const double nesterov_lr = 1.0 / lmax, nesterov_momentum = sqrt_rate;

    const std::vector<Problem> problems{
        {"ravine",
         [](const Tensor& x, const Tensor& y) { return 0.1 * x * x + 2.0 * y * y; },
         -5,
         -2,
         {{"sgd", title("gradient descent, lr %.3g", gd_lr, 0), gd_lr, 0.0, false,
           (kappa - 1) / (kappa + 1)},
          {"momentum", title("momentum %.3g, lr %.3g", heavy_ball_momentum, heavy_ball_lr),
           heavy_ball_lr, heavy_ball_momentum, false, sqrt_rate},
          {"nesterov", title("Nesterov %.3g, lr %.3g", nesterov_momentum, nesterov_lr), nesterov_lr,
           nesterov_momentum, true, 1.0 - 1.0 / std::sqrt(kappa)}},
         max_steps,
         "0.1*x**2 + 2*y**2",
         "[-5.5:1]",
         "[-3:3]",
         "0.1,0.5,1,2,3,5,8"},
        {"rosenbrock",
         [](const Tensor& x, const Tensor& y) {
             return (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
         },
         -1.2,
         1,
         {{"sgd", "gradient descent", rosenbrock_lr, 0.0, false, 0},
          {"momentum", "momentum 0.9", rosenbrock_lr, 0.9, false, 0},
          {"nesterov", "Nesterov 0.9", rosenbrock_lr, 0.9, true, 0}},
         rosenbrock_steps,
         "(1-x)**2 + 100*(y-x**2)**2",
         "[-1.5:1.5]",
         "[-0.5:1.5]",
         "0.5,2,5,10,25,50,100"}};

    std::printf("ravine 0.1x² + 2y²: λmin %g, λmax %g, κ %g; from (-5, -2) to |θ − θ*| < %g\n",
                lmin, lmax, kappa, tolerance);
    std::printf("%-11s %-9s %8s %9s %10s %12s %12s %12s %14s\n", "problem", "rule", "lr",
                "momentum", "rate/step", "steps", "x", "y", "f(x, y)");
    std::string plots = "set multiplot layout 1,3\n";
    std::vector<std::size_t> arrival;
    for (const auto& p : problems) {
        const std::string csv = out_dir + "/" + p.name + "_trajectories.csv";
        examples::ContourPanel panel{p.name, p.gnuplot_f, p.xrange, p.yrange, p.levels, {}};
        std::vector<examples::Path> paths;
        const bool ravine = p.name == "ravine";
        const auto arrived = [&](double x, double y) {
            return ravine && std::hypot(x, y) < tolerance;
        };
        for (const auto& rule : p.rules) {
            paths.push_back(examples::descend(
                p.f, p.x0, p.y0, sgd(rule.lr, rule.momentum, rule.nesterov), p.steps, arrived));
            const auto [x, y] = paths.back().back();
            const std::size_t steps = paths.back().size() - 1;
            std::printf("%-11s %-9s %8.3g %9.3g %10.3g %12zu %12.6f %12.6f %14.6g\n",
                        p.name.c_str(), rule.name.c_str(), rule.lr, rule.momentum, rule.rate, steps,
                        x, y, examples::value_at(p.f, x, y));
            if (ravine) arrival.push_back(arrived(x, y) ? steps : 0);
            panel.lines.push_back({csv, 2 * static_cast<int>(paths.size()), rule.title});
        }
        examples::CsvLog log(
            csv, {"step", "gd_x", "gd_y", "momentum_x", "momentum_y", "nesterov_x", "nesterov_y"});
        const auto at = [&](std::size_t rule, std::size_t t) {
            return paths[rule][std::min(t, paths[rule].size() - 1)];
        };
        std::size_t longest = 0;
        for (const auto& path : paths) longest = std::max(longest, path.size());
        for (std::size_t t = 0; t < longest; ++t)
            log.row(t, at(0, t).first, at(0, t).second, at(1, t).first, at(1, t).second,
                    at(2, t).first, at(2, t).second);
        plots += panel.script();
        if (ravine) plots += error_panel(csv, p.rules);
    }
    if (arrival[0] > 0 && arrival[1] > 0)
        std::printf(
            "steps to tolerance on the ravine: gradient descent %zu, momentum %zu (%.1fx sooner), "
            "Nesterov %zu\n",
            arrival[0], arrival[1],
            static_cast<double>(arrival[0]) / static_cast<double>(arrival[1]), arrival[2]);

    // The published check: plain GD with η = 0.4 after 20 steps.
    const examples::Path check = examples::descend(problems[0].f, -5, -2, sgd(0.4, 0.0, false), 20);
    std::printf("check: plain GD (lr %.2g) after 20 steps on the ravine is at (%.6f, %.6f)\n", 0.4,
                check[20].first, check[20].second);
    examples::plot_png(plots + "unset multiplot\n", out_dir + "/ravine.png", 1650, 600);
}

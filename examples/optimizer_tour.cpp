// optimizer_tour: every update rule on Rosenbrock (from (−1.2, 1)), Beale (from (1, 1)) and the
// saddle x² − y² (from (1, 0.001)). Counts the steps until ‖θ − θ*‖ < 1e-4, or on the saddle until
// the rule escapes (|y| > 1), and draws the trajectories.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "support/csv_log.hpp"
#include "support/plot.hpp"
#include "support/surface.hpp"

using xgrad::Tensor;

struct Problem {
    std::string name;
    examples::Surface f;
    double x0, y0;
    std::function<bool(double, double)> done;
    std::string gnuplot_f, xrange, yrange, levels;
};

std::function<bool(double, double)> near(double x_star, double y_star) {
    return [=](double x, double y) { return std::hypot(x - x_star, y - y_star) < 1e-4; };
}

int main(int argc, char** argv) {
    CLI::App app{"Every update rule on Rosenbrock, Beale and a saddle"};
    std::string out_dir = "xgrad-output";
    std::size_t max_steps = 20000;
    // Defaults picked so that each rule makes progress on all three problems.
    std::map<std::string, double> lr{{"sgd", 1e-3},    {"momentum", 1e-3}, {"nesterov", 1e-3},
                                     {"adagrad", 0.5}, {"adadelta", 1.0},  {"rmsprop", 1e-3},
                                     {"adam", 0.02},   {"adamw", 0.02},    {"adamax", 0.02},
                                     {"nadam", 0.02}};
    app.add_option("--out", out_dir, "directory for the CSV and PNG files");
    app.add_option("--max-steps", max_steps, "give up after this many steps");
    for (auto& [rule, value] : lr)
        app.add_option("--lr-" + rule, value, "learning rate of " + rule)->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(out_dir);

    const std::vector<Problem> problems{
        {"rosenbrock",
         [](const Tensor& x, const Tensor& y) {
             return xgrad::pow(1.0 - x, 2.0) + 100.0 * xgrad::pow(y - x * x, 2.0);
         },
         -1.2, 1.0, near(1, 1), "(1-x)**2 + 100*(y-x**2)**2", "[-1.5:1.5]", "[-0.5:1.5]",
         "0.5,2,5,10,25,50,100"},
        {"beale",
         [](const Tensor& x, const Tensor& y) {
             return xgrad::pow(1.5 - x + x * y, 2.0) + xgrad::pow(2.25 - x + x * y * y, 2.0) +
                    xgrad::pow(2.625 - x + x * y * y * y, 2.0);
         },
         1.0, 1.0, near(3, 0.5), "(1.5-x+x*y)**2 + (2.25-x+x*y**2)**2 + (2.625-x+x*y**3)**2",
         "[0:4]", "[-1:1.5]", "0.1,0.5,1,2,5,10,20"},
        {"saddle", [](const Tensor& x, const Tensor& y) { return x * x - y * y; }, 1.0, 0.001,
         [](double, double y) { return std::abs(y) > 1; }, "x**2 - y**2", "[-1.2:1.2]",
         "[-1.2:1.2]", "-1,-0.5,-0.1,0,0.1,0.5,1"}};

    std::printf("%-10s %-9s %8s %8s %12s %12s %13s  %s\n", "problem", "rule", "lr", "steps", "x",
                "y", "f(x, y)", "outcome");
    std::string plots = "set multiplot layout 1,3\nset key font ',8'\n";
    for (const auto& p : problems) {
        std::vector<examples::Path> paths;
        examples::ContourPanel panel{p.name, p.gnuplot_f, p.xrange, p.yrange, p.levels, {}};
        const std::string csv = out_dir + "/tour_" + p.name + ".csv";
        for (const auto& rule : examples::rule_names()) {
            paths.push_back(
                examples::descend(p.f, p.x0, p.y0, rule, lr.at(rule), max_steps, p.done));
            const auto [x, y] = paths.back().back();
            const std::size_t steps = paths.back().size() - 1;
            const bool reached = p.done(x, y);
            const bool finite = std::isfinite(x) && std::isfinite(y);
            std::printf("%-10s %-9s %8.3g %8zu %12.6g %12.6g %13.6g  %s\n", p.name.c_str(),
                        rule.c_str(), lr.at(rule), steps, x, y, examples::value_at(p.f, x, y),
                        reached ? (p.name == "saddle" ? "escaped" : "converged")
                                : (finite ? "not within max steps" : "diverged"));
            panel.lines.push_back({csv, 2 * static_cast<int>(paths.size()), rule});
        }
        // One row per step; a rule that stopped early repeats its last point.
        std::vector<std::string> columns{"step"};
        for (const auto& rule : examples::rule_names()) {
            columns.push_back(rule + "_x");
            columns.push_back(rule + "_y");
        }
        examples::CsvLog log(csv, columns);
        std::size_t longest = 0;
        for (const auto& path : paths) longest = std::max(longest, path.size());
        for (std::size_t t = 0; t < longest; ++t) {
            std::vector<double> row{static_cast<double>(t)};
            for (const auto& path : paths) {
                const auto& point = path[std::min(t, path.size() - 1)];
                row.insert(row.end(), {point.first, point.second});
            }
            log.row_of(row);
        }
        plots += panel.script();
    }
    examples::plot_png(plots + "unset multiplot\n", out_dir + "/optimizer_tour.png", 1800, 700);
}

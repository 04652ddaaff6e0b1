// ravine: why momentum helps. Plain gradient descent, momentum 0.9 and Nesterov on the ravine
// f = 0.1x² + 2y² from (−5, −2) and on Rosenbrock from (−1.2, 1); trajectories over contour lines.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "support/csv_log.hpp"
#include "support/plot.hpp"
#include "support/surface.hpp"

using xgrad::Tensor;

struct Problem {
    std::string name;
    examples::Surface f;
    double x0, y0, gd_lr, momentum_lr;
    std::size_t steps;
    std::string gnuplot_f, xrange, yrange, levels;
};

int main(int argc, char** argv) {
    CLI::App app{"Plain GD, momentum and Nesterov on a ravine and on Rosenbrock"};
    std::string out_dir = "xgrad-output";
    double ravine_lr = 0.4, ravine_momentum_lr = 0.1, rosenbrock_lr = 1e-3;
    std::size_t ravine_steps = 50, rosenbrock_steps = 3000;
    app.add_option("--out", out_dir, "directory for the CSV and PNG files");
    app.add_option("--ravine-lr", ravine_lr, "learning rate of plain GD on the ravine");
    // Heavy-ball momentum is stable on curvature λ while ηλ < 2(1+μ), Nesterov only while
    // ηλ < 2(1+μ)/(1+2μ): 0.4 on the ravine's λ = 4 would make Nesterov diverge.
    app.add_option("--ravine-momentum-lr", ravine_momentum_lr, "learning rate of momentum and Nesterov on the ravine");
    app.add_option("--ravine-steps", ravine_steps, "steps on the ravine (at least 20)")->check(CLI::Range(20, 1000000));
    app.add_option("--rosenbrock-lr", rosenbrock_lr, "learning rate on Rosenbrock");
    app.add_option("--rosenbrock-steps", rosenbrock_steps, "steps on Rosenbrock");
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(out_dir);

    const std::vector<Problem> problems{
        {"ravine", [](const Tensor& x, const Tensor& y) { return 0.1 * x * x + 2.0 * y * y; }, -5, -2, ravine_lr,
         ravine_momentum_lr, ravine_steps, "0.1*x**2 + 2*y**2", "[-5.5:1]", "[-2.5:2.5]", "0.1,0.5,1,2,3,5,8"},
        {"rosenbrock",
         [](const Tensor& x, const Tensor& y) { return xgrad::pow(1.0 - x, 2.0) + 100.0 * xgrad::pow(y - x * x, 2.0); },
         -1.2, 1, rosenbrock_lr, rosenbrock_lr, rosenbrock_steps, "(1-x)**2 + 100*(y-x**2)**2", "[-1.5:1.5]",
         "[-0.5:1.5]", "0.5,2,5,10,25,50,100"}};
    const std::vector<std::pair<std::string, std::string>> rules{
        {"sgd", "gradient descent"}, {"momentum", "momentum 0.9"}, {"nesterov", "Nesterov 0.9"}};

    std::string plots = "set multiplot layout 1,2\n";
    std::printf("%-11s %-9s %8s %8s %12s %12s %14s\n", "problem", "rule", "lr", "steps", "x", "y", "f(x, y)");
    for (const auto& p : problems) {
        const std::string csv = out_dir + "/" + p.name + "_trajectories.csv";
        examples::ContourPanel panel{p.name, p.gnuplot_f, p.xrange, p.yrange, p.levels, {}};
        std::vector<examples::Path> paths;
        for (const auto& [rule, title] : rules) {
            const double lr = rule == "sgd" ? p.gd_lr : p.momentum_lr;
            paths.push_back(examples::descend(p.f, p.x0, p.y0, rule, lr, p.steps));
            const auto [x, y] = paths.back().back();
            std::printf("%-11s %-9s %8.3g %8zu %12.6f %12.6f %14.6g\n", p.name.c_str(), rule.c_str(), lr, p.steps, x,
                        y, examples::value_at(p.f, x, y));
            panel.lines.push_back({csv, 2 * static_cast<int>(paths.size()), title});
        }
        examples::CsvLog log(csv, {"step", "gd_x", "gd_y", "momentum_x", "momentum_y", "nesterov_x", "nesterov_y"});
        for (std::size_t t = 0; t <= p.steps; ++t)
            log.row(t, paths[0][t].first, paths[0][t].second, paths[1][t].first, paths[1][t].second,
                    paths[2][t].first, paths[2][t].second);
        if (p.name == "ravine")  // the published check: plain GD with η = 0.4 after 20 steps
            std::printf("check: plain GD (lr %.2g) after 20 steps on the ravine is at (%.6f, %.6f)\n", p.gd_lr,
                        paths[0][20].first, paths[0][20].second);
        plots += panel.script();
    }
    examples::plot_png(plots + "unset multiplot\n", out_dir + "/ravine.png");
}

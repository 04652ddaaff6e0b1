#pragma once
// Two-parameter test functions: descending them with an update rule while recording the path, and
// drawing paths over contour lines with gnuplot.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include <xgrad/xgrad.hpp>

#include "optimizers.hpp"

namespace examples {

/// f(x, y) on two scalar tensors.
using Surface = std::function<xgrad::Tensor(const xgrad::Tensor& x, const xgrad::Tensor& y)>;
using Path = std::vector<std::pair<double, double>>;

/// Builds an optimizer over the two parameters (x, y).
using OptimizerFactory =
    std::function<std::unique_ptr<xgrad::optim::Optimizer>(std::vector<xgrad::Tensor>)>;

/// Steps the optimizer `make` builds on `f` from (x0, y0) until `done(x, y)` or `max_steps`; the
/// path includes the start.
inline Path descend(
    const Surface& f, double x0, double y0, const OptimizerFactory& make, std::size_t max_steps,
    const std::function<bool(double, double)>& done = [](double, double) { return false; }) {
    const xgrad::Tensor x(x0, xgrad::TensorOptions(xgrad::DType::Float64).requires_grad(true)),
        y(y0, xgrad::TensorOptions(xgrad::DType::Float64).requires_grad(true));
    auto optimizer = make({x, y});
    Path path{{x0, y0}};
    while (path.size() <= max_steps && !done(path.back().first, path.back().second)) {
        optimizer->zero_grad();
        f(x, y).backward();
        optimizer->step();
        path.emplace_back(x.item(), y.item());
    }
    return path;
}

/// descend() with the rule `name` at learning rate `lr` and PyTorch's other defaults.
inline Path descend(
    const Surface& f, double x0, double y0, const std::string& rule, double lr,
    std::size_t max_steps,
    const std::function<bool(double, double)>& done = [](double, double) { return false; }) {
    return descend(
        f, x0, y0,
        [&](std::vector<xgrad::Tensor> params) {
            return make_optimizer(rule, std::move(params), lr);
        },
        max_steps, done);
}

inline double value_at(const Surface& f, double x, double y) {
    return f(xgrad::Tensor(x, xgrad::DType::Float64), xgrad::Tensor(y, xgrad::DType::Float64))
        .item();
}

/// A gnuplot panel: contour lines of `function` (gnuplot syntax) at `levels`, and one path per
/// (csv, x column, title); call inside "set multiplot".
struct ContourPanel {
    std::string title, function, xrange, yrange, levels;
    struct Line {
        std::string csv;
        int x_column;
        std::string title;
    };
    std::vector<Line> lines;

    std::string script() const {
        std::string s =
            "set title '" + title +
            "'\nset view map\nset contour base\nunset clabel\n"
            "set isosamples 150,150\nset key bottom right opaque\nset datafile separator ','\n"
            "set xrange " +
            xrange + "\nset yrange " + yrange + "\nset cntrparam levels discrete " + levels +
            "\nsplot " + function + " nosurface with lines lc rgb '#bbbbbb' notitle";
        // Explicit line types: the contour levels would otherwise use up the colour cycle.
        for (std::size_t i = 0; i < lines.size(); ++i)
            s += ", '" + lines[i].csv + "' using " + std::to_string(lines[i].x_column) + ":" +
                 std::to_string(lines[i].x_column + 1) +
                 ":(0) every ::1 with linespoints nocontour lt " + std::to_string(i + 1) +
                 " pt 7 ps 0.3 title '" + lines[i].title + "'";
        return s + "\n";
    }
};

}  // namespace examples

#pragma once
// The explorer's loss surfaces over two parameters (x, y): the ravine quadratic, Rosenbrock,
// Beale, the saddle and the lecture's logistic loss on a small 2-D data set.

#include <array>
#include <string>
#include <vector>
#include <xgrad/xgrad.hpp>

namespace explorer {

/// One labelled example of the logistic loss's data set.
struct Example {
    double a, b;   // the two features
    double label;  // -1 or +1
};

/// The 32 examples of the logistic loss (two overlapping clouds, fixed so every build sees the
/// same numbers).
const std::vector<Example>& logistic_data();

/// A surface f(x, y) and how the page shows it.
struct Surface {
    std::string name, title;
    /// The plotted window: x from view[0] to view[1], y from view[2] to view[3].
    std::array<double, 4> view;
    /// The opening start point.
    std::array<double, 2> start;
    /// Whether the loss is bounded below by 0 (plotted on a log scale); the saddle is not.
    bool log_scale = true;
    /// Whether the loss is a mean over logistic_data() (so batch size applies).
    bool has_data = false;
};

/// The surfaces in the order the page lists them.
const std::vector<Surface>& surfaces();
/// The surface named `name`; ValueError listing the names otherwise.
const Surface& surface(const std::string& name);

/// The ravine's curvatures: λmin = 0.2 along x, λmax = 0.2 κ along y (κ = 20: 0.1x² + 2y²).
std::array<double, 2> ravine_curvatures(double kappa);

/// f(x, y) of surface `name` elementwise on tensors x, y of one shape (a scalar for descent, a
/// grid for contours). `kappa` is the ravine's condition number. For the logistic loss, `rows`
/// picks the examples the mean runs over (all when empty).
xgrad::Tensor loss(const std::string& name, const xgrad::Tensor& x, const xgrad::Tensor& y,
                   double kappa, const std::vector<std::size_t>& rows = {});

}  // namespace explorer

// Each surface is written once with xgrad's differentiable ops: the same expression gives the
// descent's gradients (on scalars) and the contour grid (on a whole grid at once).
#include "surfaces.hpp"

#include <numeric>

namespace explorer {

using xgrad::Tensor;

const std::vector<Example>& logistic_data() {
    static const std::vector<Example> data{
        {0.36, -0.8, -1},   {1.59, 0.23, 1},   {-0.8, -0.06, 1},  {0.98, -0.29, 1},
        {1.87, 0.55, 1},    {0.28, -2.76, -1}, {0.77, 0.03, 1},   {-1.89, 0.9, -1},
        {-3.47, -0.41, -1}, {0.18, -1.29, -1}, {-1.47, 0.81, -1}, {-1.34, -1.04, -1},
        {2.23, -1.38, 1},   {-0.07, 0.25, -1}, {-0.67, 0.67, -1}, {1.14, -1, 1},
        {-1.6, 0.2, -1},    {2.52, 1.03, 1},   {0.21, 0.39, 1},   {-1.57, -1.29, -1},
        {0.92, -0.42, -1},  {2.86, 1.45, 1},   {-1.64, 2.28, 1},  {-0.05, -1.39, -1},
        {0.5, -0.19, 1},    {0.41, 0.06, -1},  {0.68, -0.71, 1},  {-2.62, -1.69, -1},
        {1.72, 0.22, 1},    {-0.62, 0.18, 1},  {1.36, 0.04, 1},   {0.54, 0.38, -1}};
    return data;
}

const std::vector<Surface>& surfaces() {
    static const std::vector<Surface> list{
        {"ravine", "ravine ½(λmin x² + λmax y²)", {-5.5, 1.5, -2.5, 2.5}, {-5, -2}},
        {"rosenbrock", "Rosenbrock (1 − x)² + 100(y − x²)²", {-2, 2, -1, 3}, {-1.2, 1}},
        {"beale", "Beale", {-4.5, 4.5, -4.5, 4.5}, {1, 1.5}},
        {"saddle", "saddle x² − y²", {-2, 2, -2, 2}, {-1.5, 1e-3}, false},
        {"logistic", "logistic loss, weights (w₁, w₂)", {-4, 6, -4, 6}, {-3, 5}, true, true}};
    return list;
}

const Surface& surface(const std::string& name) {
    for (const auto& s : surfaces())
        if (s.name == name) return s;
    throw xgrad::ValueError("explorer: unknown surface '" + name +
                            "' (expected ravine, rosenbrock, beale, saddle or logistic)");
}

std::array<double, 2> ravine_curvatures(double kappa) { return {0.2, 0.2 * kappa}; }

namespace {

/// The lecture's logistic loss over `rows`, divided by their number so one learning rate suits
/// every batch size: mean_n softplus(−y_n (x a_n + y b_n)), softplus(t) = −log σ(−t). Summed term
/// by term with elementwise adds rather than with a reduction, so that the order of the
/// additions (and of the gradient's accumulation) is the same with xsimd natively and without it
/// in WebAssembly, and the trajectories agree to the last bit.
Tensor logistic(const Tensor& x, const Tensor& y, std::vector<std::size_t> rows) {
    const auto& data = logistic_data();
    if (rows.empty()) {
        rows.resize(data.size());
        std::iota(rows.begin(), rows.end(), std::size_t(0));
    }
    Tensor total;
    for (const std::size_t r : rows) {
        const Example& e = data.at(r);
        const Tensor term = xgrad::softplus(-e.label * (e.a * x + e.b * y));
        total = total.defined() ? total + term : term;
    }
    return total / static_cast<double>(rows.size());
}

}  // namespace

Tensor loss(const std::string& name, const Tensor& x, const Tensor& y, double kappa,
            const std::vector<std::size_t>& rows) {
    if (name == "ravine") {
        const auto [lmin, lmax] = ravine_curvatures(kappa);
        return 0.5 * lmin * x * x + 0.5 * lmax * y * y;
    }
    if (name == "rosenbrock") return (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
    if (name == "beale") {
        const Tensor y2 = y * y, y3 = y2 * y;
        const Tensor t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y2, t3 = 2.625 - x + x * y3;
        return t1 * t1 + t2 * t2 + t3 * t3;
    }
    if (name == "saddle") return x * x - y * y;
    if (name == "logistic") return logistic(x, y, rows);
    return loss(surface(name).name, x, y, kappa, rows);  // throws the ValueError
}

}  // namespace explorer

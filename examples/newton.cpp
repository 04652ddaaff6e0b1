// newton: what curvature costs first-order methods. Gradient descent, momentum, Newton's method
// (the Hessian from xgrad::functional::hessian, the step from H d = −∇f) and L-BFGS (a curvature
// estimate from gradients alone) on the lecture's logistic loss L(w) = Σ softplus(−yₙ w·xₙ) over
// a small 2-D data set and on Rosenbrock from (−1.2, 1): steps and function evaluations until
// ‖∇f‖ ≤ tol, the trajectories over contour lines, and the condition number of the Hessian at
// the optimum, which is what makes plain GD slow in a ravine.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <xgrad/optim.hpp>
#include <xgrad/random.hpp>
#include <xgrad/xgrad.hpp>
#include <xtensor/xadapt.hpp>

#include "support/csv_log.hpp"
#include "support/dense.hpp"
#include "support/plot.hpp"
#include "support/surface.hpp"

using xgrad::DType;
using xgrad::Tensor;

/// f(w) for w of shape (2,), float64.
using Objective = std::function<Tensor(const Tensor& w)>;

struct Problem {
    std::string name;
    Objective f;
    std::vector<double> start;
    double gd_lr, momentum_lr;
    std::string gnuplot_f;  // f in gnuplot's syntax, over x = w₁ and y = w₂
    /// The minimiser when it is known exactly; otherwise Newton's last iterate stands for it.
    std::vector<double> optimum;
    /// gnuplot's contour levels; empty: multiples of the lowest value reached.
    std::string levels;
};

/// One method's run: the iterates, and what it cost to reach ‖∇f‖ ≤ tol.
struct Run {
    std::string method;
    double lr;
    std::vector<std::vector<double>> path;
    std::size_t steps = 0, evaluations = 0, hessians = 0;
    double value = 0, gradient_norm = 0;
    bool converged = false;
};

double norm(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    return std::sqrt(s);
}

Tensor tensor_of(const std::vector<double>& values) {
    return Tensor(xt::xarray<double>(xt::adapt(values, {values.size()})));
}

/// Gradient descent or momentum through xgrad::optim::SGD: one evaluation of f and ∇f per step.
Run first_order(const std::string& method, const Objective& f, const std::vector<double>& start,
                const xgrad::optim::SGDOptions& options, double tol, std::size_t max_steps) {
    const Tensor w = tensor_of(start).requires_grad_(true);
    xgrad::optim::SGD optimizer({w}, options);
    Run run{method, options.lr(), {start}};
    for (;;) {
        optimizer.zero_grad();
        const Tensor loss = f(w);
        loss.backward();
        ++run.evaluations;
        run.value = loss.item();
        run.gradient_norm = norm(w.grad().to_vector());
        run.converged = run.gradient_norm <= tol;
        if (run.converged || run.steps == max_steps || !std::isfinite(run.value)) return run;
        optimizer.step();
        ++run.steps;
        run.path.push_back(w.to_vector());
    }
}

/// L-BFGS through xgrad::optim::LBFGS with the strong-Wolfe line search, one iteration per
/// step(closure) (max_iter = 1; the history carries over between calls). Each step() first
/// calls the closure at the current iterate, which is where ‖∇f‖ ≤ tol is tested; the line
/// search's calls follow. Steps and evaluations count up to the call that met the tolerance.
Run lbfgs(const Objective& f, const std::vector<double>& start, double tol, std::size_t max_steps) {
    const Tensor w = tensor_of(start).requires_grad_(true);
    // LBFGS's own test on progress (the directional derivative and loss change above 1e-9 by
    // default) would end the run near ‖∇f‖ ≈ 1e-5, short of tol here: tolerance_change 0.
    const auto options =
        xgrad::optim::LBFGSOptions().max_iter(1).line_search_fn("strong_wolfe").tolerance_change(0);
    xgrad::optim::LBFGS optimizer({w}, options);
    Run run{"lbfgs", options.lr(), {start}};
    bool at_iterate = false;  // the next closure call is step()'s first, at the iterate
    const auto closure = [&] {
        optimizer.zero_grad();
        Tensor loss = f(w);
        loss.backward();
        if (!run.converged) ++run.evaluations;
        if (at_iterate) {
            at_iterate = false;
            run.value = loss.item();
            run.gradient_norm = norm(w.grad().to_vector());
            run.converged = run.gradient_norm <= tol;
        }
        return loss;
    };
    for (;;) {
        at_iterate = true;
        optimizer.step(closure);  // once converged, the rest of this step is not counted
        const std::vector<double> now = w.to_vector();
        const bool stalled = now == run.path.back();  // no descent direction, or max|g| tiny
        if (run.converged || stalled || run.steps == max_steps || !std::isfinite(run.value))
            return run;
        run.steps = static_cast<std::size_t>(optimizer.state().n_iter);
        run.path.push_back(now);
    }
}

/// The Hessian of f at w as a row-major n x n matrix, from xgrad::functional::hessian.
std::vector<double> hessian_at(const Objective& f, const std::vector<double>& w) {
    return xgrad::functional::hessian(f, tensor_of(w)).to_vector();
}

/// Newton's method with a backtracking (Armijo) line search. Where H is not positive definite the
/// step solves (H + τI) d = −∇f with the smallest τ = 10^k·max|H_ii|·1e-3 that makes it so, which
/// keeps d a descent direction.
Run newton(const Objective& f, const std::vector<double>& start, double tol,
           std::size_t max_steps) {
    Run run{"newton", 1.0, {start}};  // the full step t = 1, before backtracking
    std::vector<double> w = start;
    for (;;) {
        // f and ∇f together: the vjp of a scalar function with v = 1 is its gradient.
        const auto [value, gradient] = xgrad::functional::vjp(f, tensor_of(w));
        ++run.evaluations;
        run.value = value.item();
        const std::vector<double> g = gradient.to_vector();
        run.gradient_norm = norm(g);
        run.converged = run.gradient_norm <= tol;
        if (run.converged || run.steps == max_steps || !std::isfinite(run.value)) return run;

        std::vector<double> h = hessian_at(f, w);
        ++run.hessians;
        const std::size_t n = w.size();
        std::vector<double> minus_g(n);
        std::transform(g.begin(), g.end(), minus_g.begin(), [](double x) { return -x; });
        double scale = 0;
        for (std::size_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(h[i * n + i]));
        auto d = examples::cholesky_solve(h, minus_g);
        for (double shift = 1e-3 * scale; !d; shift *= 10) {
            std::vector<double> shifted = h;
            for (std::size_t i = 0; i < n; ++i) shifted[i * n + i] += shift;
            d = examples::cholesky_solve(shifted, minus_g);
        }
        double slope = 0;  // ∇f·d < 0
        for (std::size_t i = 0; i < n; ++i) slope += g[i] * (*d)[i];
        double t = 1;
        std::vector<double> next(n);
        for (;;) {
            for (std::size_t i = 0; i < n; ++i) next[i] = w[i] + t * (*d)[i];
            const double trial = f(tensor_of(next)).item();
            ++run.evaluations;
            if (trial <= run.value + 1e-4 * t * slope || t < 1e-10) break;
            t /= 2;
        }
        w = next;
        ++run.steps;
        run.path.push_back(w);
    }
}

/// λ_max / λ_min of the Hessian of f at w, and the eigenvalues.
std::vector<double> curvature_at(const Objective& f, const std::vector<double>& w) {
    return examples::symmetric_eigenvalues(hessian_at(f, w), w.size());
}

/// The lecture's logistic loss Σ softplus(−yₙ w·xₙ) on two overlapping clouds around ±(1, 0.3)
/// whose second feature is four times narrower than the first: an elongated valley.
Problem logistic_problem(std::size_t n, std::uint64_t seed) {
    xgrad::manual_seed(seed);
    const Tensor labels = xgrad::where(
        xgrad::gt(xgrad::rand({n}, DType::Float64), xgrad::full({}, 0.5, DType::Float64)),
        xgrad::ones({n}, DType::Float64), xgrad::full({n}, -1.0, DType::Float64));
    const Tensor spread = Tensor({1.2, 0.3}, DType::Float64);
    const Tensor centre = Tensor({1.0, 0.3}, DType::Float64);
    const Tensor x =
        xgrad::randn({n, 2}, DType::Float64) * spread + xgrad::reshape(labels, {n, 1}) * centre;
    const Objective loss = [x, labels, n](const Tensor& w) {
        const Tensor scores = xgrad::reshape(xgrad::matmul(x, xgrad::reshape(w, {2, 1})), {n});
        return xgrad::sum(xgrad::softplus(-(labels * scores)));
    };
    std::string gnuplot;
    const auto xs = x.to_vector(), ys = labels.to_vector();
    for (std::size_t i = 0; i < n; ++i)
        gnuplot += (i ? "+" : "") + std::string("log(1+exp(-(") + std::to_string(ys[i]) + ")*(x*(" +
                   std::to_string(xs[2 * i]) + ")+y*(" + std::to_string(xs[2 * i + 1]) + "))))";
    // Step 1/λ_max(H(0)) for both first-order methods: σ(1−σ) is largest at margin 0, so H(0)
    // bounds the curvature everywhere and the step is stable from any start.
    const double lr = 1.0 / curvature_at(loss, {0.0, 0.0}).back();
    return {"logistic", loss, {-2.0, 6.0}, lr, lr, gnuplot, {}, ""};
}

Problem rosenbrock_problem(double lr) {
    const Objective f = [](const Tensor& w) {
        const Tensor x = xgrad::slice(w, 0, 0, 1), y = xgrad::slice(w, 0, 1, 2);
        return xgrad::sum(xgrad::pow(1.0 - x, 2.0) + 100.0 * xgrad::pow(y - x * x, 2.0));
    };
    return {"rosenbrock", f,
            {-1.2, 1.0},  lr,
            lr,           "(1-x)**2 + 100*(y-x**2)**2",
            {1.0, 1.0},   "0.1,1,5,20,50,100,200,500"};
}

/// "[lo:hi]" around every point of every path, with a margin.
std::string range(const std::vector<Run>& runs, std::size_t axis) {
    double lo = 1e300, hi = -1e300;
    for (const Run& r : runs)
        for (const auto& p : r.path)
            if (std::isfinite(p[axis])) lo = std::min(lo, p[axis]), hi = std::max(hi, p[axis]);
    const double margin = 0.1 * (hi - lo) + 0.1;
    return "[" + std::to_string(lo - margin) + ":" + std::to_string(hi + margin) + "]";
}

int main(int argc, char** argv) {
    CLI::App app{
        "Gradient descent, momentum, Newton's method and L-BFGS on the logistic loss and "
        "Rosenbrock"};
    std::string out_dir = "xgrad-output";
    double tol = 1e-6, rosenbrock_lr = 1e-3, momentum = 0.9;
    std::size_t max_steps = 100000, examples_count = 40;
    std::uint64_t seed = 3;
    app.add_option("--out", out_dir, "directory for the CSV and PNG files");
    app.add_option("--tol", tol, "stop when the gradient norm is at most this")
        ->check(CLI::PositiveNumber);
    app.add_option("--max-steps", max_steps, "give up after this many steps");
    app.add_option("--rosenbrock-lr", rosenbrock_lr,
                   "learning rate of GD and momentum on Rosenbrock");
    app.add_option("--momentum", momentum, "momentum μ of the momentum method")
        ->check(CLI::Range(0.0, 0.999));
    app.add_option("--examples", examples_count, "points in the logistic data set")
        ->check(CLI::Range(2, 100000));
    app.add_option("--seed", seed, "seed of the logistic data set");
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(out_dir);

    const std::vector<Problem> problems{logistic_problem(examples_count, seed),
                                        rosenbrock_problem(rosenbrock_lr)};
    std::string plots = "set multiplot layout 1,2\n";
    std::printf("%-11s %-9s %10s %8s %7s %9s %14s %11s  %s\n", "problem", "method", "lr", "steps",
                "f-evals", "hessians", "f", "|grad f|", "");
    for (const Problem& p : problems) {
        const xgrad::optim::SGDOptions gd(p.gd_lr);
        const auto heavy_ball = xgrad::optim::SGDOptions(p.momentum_lr).momentum(momentum);
        std::vector<Run> runs{first_order("gd", p.f, p.start, gd, tol, max_steps),
                              first_order("momentum", p.f, p.start, heavy_ball, tol, max_steps),
                              newton(p.f, p.start, tol, max_steps),
                              lbfgs(p.f, p.start, tol, max_steps)};
        for (const Run& r : runs)
            std::printf("%-11s %-9s %10.4g %8zu %7zu %9zu %14.8g %11.3g  %s\n", p.name.c_str(),
                        r.method.c_str(), r.lr, r.steps, r.evaluations, r.hessians, r.value,
                        r.gradient_norm, r.converged ? "converged" : "not converged");
        const Run& newton_run = runs[2];
        const std::vector<double> optimum = p.optimum.empty() ? newton_run.path.back() : p.optimum;
        const std::vector<double> eigenvalues = curvature_at(p.f, optimum);
        std::printf(
            "%s: Hessian at the optimum (%.6f, %.6f): eigenvalues %.6g and %.6g, "
            "condition number %.2f\n",
            p.name.c_str(), optimum[0], optimum[1], eigenvalues.front(), eigenvalues.back(),
            eigenvalues.back() / eigenvalues.front());

        examples::ContourPanel panel{p.name,         p.gnuplot_f, range(runs, 0),
                                     range(runs, 1), p.levels,    {}};
        for (double level : {1.001, 1.01, 1.05, 1.2, 1.5, 2.0, 3.0, 5.0})
            if (p.levels.empty())
                panel.levels +=
                    (panel.levels.empty() ? "" : ",") + std::to_string(newton_run.value * level);
        for (const Run& r : runs) {
            const std::string csv = out_dir + "/newton_" + p.name + "_" + r.method + ".csv";
            examples::CsvLog log(csv, {"step", "w1", "w2"});
            for (std::size_t t = 0; t < r.path.size(); ++t) log.row(t, r.path[t][0], r.path[t][1]);
            panel.lines.push_back({csv, 2, r.method});
        }
        plots += panel.script();
    }
    examples::plot_png(plots + "unset multiplot\n", out_dir + "/newton.png");
}

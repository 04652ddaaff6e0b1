#include "xgrad/optim/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "xgrad/grad_mode.hpp"

namespace xgrad::optim {
namespace {

using Vec = std::vector<double>;

double dot(const Vec& a, const Vec& b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
    return sum;
}

double abs_max(const Vec& a) {
    double m = 0.0;
    for (double v : a) m = std::max(m, std::abs(v));
    return m;
}

double abs_sum(const Vec& a) {
    double sum = 0.0;
    for (double v : a) sum += std::abs(v);
    return sum;
}

/// a += alpha * b, torch's a.add_(b, alpha=alpha). That kernel is `fmadd(b, alpha, a)`: one
/// rounding, hence std::fma (without it the Rosenbrock replays drift by 1e-7 within 10 steps).
void add_scaled(Vec& a, const Vec& b, double alpha) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::fma(alpha, b[i], a[i]);
}

Vec negated(const Vec& a) {
    Vec out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = -a[i];
    return out;
}

/// The parameters as seen by the algorithm: one flat vector over all of them.
class FlatParams {
public:
    explicit FlatParams(const std::vector<Tensor>& params) : params_(params) {}

    /// torch's _gather_flat_grad: the gradients one after the other, zeros for a missing one.
    Vec gather_flat_grad() const {
        Vec flat;
        for (const Tensor& p : params_) {
            const Tensor grad = p.grad();
            if (grad.defined()) {
                if (grad.numel() != p.numel())
                    throw ShapeError(std::string("LBFGS.step: a parameter of shape ") +
                                     shape_str(p.shape()) + " has a grad of shape " +
                                     shape_str(grad.shape()));
                const Vec g = grad.to_vector();
                flat.insert(flat.end(), g.begin(), g.end());
            } else {
                flat.resize(flat.size() + p.numel(), 0.0);
            }
        }
        return flat;
    }

    /// torch's _add_grad: θ += step · update, fused as in add_scaled().
    void add_grad(double step, const Vec& update) {
        rewrite([&](auto value, std::size_t i) {
            using T = decltype(value);
            return std::fma(T(step), T(update[i]), value);
        });
    }

    /// torch's _clone_param, flat (a float32 value round-trips through double exactly).
    Vec clone_param() const {
        Vec flat;
        for (const Tensor& p : params_) {
            const Vec v = p.to_vector();
            flat.insert(flat.end(), v.begin(), v.end());
        }
        return flat;
    }

    /// torch's _set_param.
    void set_param(const Vec& flat) {
        rewrite([&](auto value, std::size_t i) { return static_cast<decltype(value)>(flat[i]); });
    }

private:
    /// Sets every element to fn(element, its index in the flat vector), in each tensor's dtype.
    template <class Fn>
    void rewrite(Fn&& fn) {
        std::size_t offset = 0;
        for (Tensor& p : params_) {
            dispatch(p.dtype(), [&](auto tag) {
                auto& value = p.value<decltype(tag)>();
                for (std::size_t i = 0; i < value.size(); ++i)
                    value.data()[i] = fn(value.data()[i], offset + i);
            });
            offset += p.numel();
        }
    }

    std::vector<Tensor> params_;
};

/// The closure under grad mode (PyTorch wraps it in torch.enable_grad()), its loss as a double.
double evaluate(const std::function<Tensor()>& closure) {
    GradModeGuard enable(true);
    return detail::closure_loss("LBFGS", closure());
}

/// torch.optim.lbfgs._cubic_interpolate: the minimizer of the cubic through (x1, f1, g1) and
/// (x2, f2, g2), clamped to the bounds (by default [min(x1, x2), max(x1, x2)]).
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         std::optional<std::pair<double, double>> bounds = std::nullopt) {
    double xmin_bound, xmax_bound;
    if (bounds) {
        xmin_bound = bounds->first;
        xmax_bound = bounds->second;
    } else if (x1 <= x2) {
        xmin_bound = x1;
        xmax_bound = x2;
    } else {
        xmin_bound = x2;
        xmax_bound = x1;
    }
    const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
    const double d2_square = d1 * d1 - g1 * g2;
    if (d2_square >= 0) {
        const double d2 = std::sqrt(d2_square);
        const double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                                        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        // Python's min(max(min_pos, lo), hi): max returns its first argument on ties or NaN.
        const double clamped = xmin_bound > min_pos ? xmin_bound : min_pos;
        return xmax_bound < clamped ? xmax_bound : clamped;
    }
    return (xmin_bound + xmax_bound) / 2.;
}

struct LineSearchResult {
    double loss;
    Vec flat_grad;
    double t;
    int func_evals;
};

/// torch.optim.lbfgs._strong_wolfe with its defaults c1 = 1e-4, c2 = 0.9, max_ls = 25.
/// `obj_func(t)` evaluates the loss and flat gradient at x + t·d.
template <class Objective>
LineSearchResult strong_wolfe(Objective&& obj_func, double t, const Vec& d, double f, const Vec& g,
                              double gtd, double tolerance_change) {
    const double c1 = 1e-4;
    const double c2 = 0.9;
    const int max_ls = 25;
    const double d_norm = abs_max(d);
    auto [f_new, g_new] = obj_func(t);
    int ls_func_evals = 1;
    double gtd_new = dot(g_new, d);

    // Bracket an interval containing a point satisfying the Wolfe criteria.
    double t_prev = 0, f_prev = f, gtd_prev = gtd;
    Vec g_prev = g;
    bool done = false;
    int ls_iter = 0;
    std::vector<double> bracket, bracket_f, bracket_gtd;
    std::vector<Vec> bracket_g;
    while (ls_iter < max_ls) {
        if (f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev)) {
            bracket = {t_prev, t};
            bracket_f = {f_prev, f_new};
            bracket_g = {g_prev, g_new};
            bracket_gtd = {gtd_prev, gtd_new};
            break;
        }
        if (std::abs(gtd_new) <= -c2 * gtd) {
            bracket = {t};
            bracket_f = {f_new};
            bracket_g = {g_new};
            done = true;
            break;
        }
        if (gtd_new >= 0) {
            bracket = {t_prev, t};
            bracket_f = {f_prev, f_new};
            bracket_g = {g_prev, g_new};
            bracket_gtd = {gtd_prev, gtd_new};
            break;
        }
        const double min_step = t + 0.01 * (t - t_prev);
        const double max_step = t * 10;
        const double tmp = t;
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                              std::make_pair(min_step, max_step));
        t_prev = tmp;
        f_prev = f_new;
        g_prev = g_new;
        gtd_prev = gtd_new;
        std::tie(f_new, g_new) = obj_func(t);
        ls_func_evals += 1;
        gtd_new = dot(g_new, d);
        ls_iter += 1;
    }
    if (ls_iter == max_ls) {
        bracket = {0, t};
        bracket_f = {f, f_new};
        bracket_g = {g, g_new};
    }

    // Zoom: refine the bracket until a point satisfies the criteria.
    bool insuf_progress = false;
    std::size_t low_pos = 0, high_pos = 1;
    if (!(bracket_f.front() <= bracket_f.back())) std::swap(low_pos, high_pos);
    while (!done && ls_iter < max_ls) {
        if (std::abs(bracket[1] - bracket[0]) * d_norm < tolerance_change) break;
        t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1],
                              bracket_gtd[1]);
        // Too close to a boundary: after insufficient progress, or at the boundary itself, move
        // t 0.1 of the bracket's length away from the nearest end.
        const double hi = std::max(bracket[0], bracket[1]);
        const double lo = std::min(bracket[0], bracket[1]);
        const double eps = 0.1 * (hi - lo);
        if (std::min(hi - t, t - lo) < eps) {
            if (insuf_progress || t >= hi || t <= lo) {
                t = std::abs(t - hi) < std::abs(t - lo) ? hi - eps : lo + eps;
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        std::tie(f_new, g_new) = obj_func(t);
        ls_func_evals += 1;
        gtd_new = dot(g_new, d);
        ls_iter += 1;

        if (f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low_pos]) {
            // Armijo condition not satisfied or not lower than the lowest point.
            bracket[high_pos] = t;
            bracket_f[high_pos] = f_new;
            bracket_g[high_pos] = g_new;
            bracket_gtd[high_pos] = gtd_new;
            low_pos = bracket_f[0] <= bracket_f[1] ? 0 : 1;
            high_pos = 1 - low_pos;
        } else {
            if (std::abs(gtd_new) <= -c2 * gtd) {
                done = true;
            } else if (gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0) {
                // The old high becomes the new low.
                bracket[high_pos] = bracket[low_pos];
                bracket_f[high_pos] = bracket_f[low_pos];
                bracket_g[high_pos] = bracket_g[low_pos];
                bracket_gtd[high_pos] = bracket_gtd[low_pos];
            }
            bracket[low_pos] = t;
            bracket_f[low_pos] = f_new;
            bracket_g[low_pos] = g_new;
            bracket_gtd[low_pos] = gtd_new;
        }
    }
    return {bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals};
}

ValueError several_groups() {
    return ValueError(
        "LBFGS doesn't support per-parameter options (parameter groups): "
        "expected exactly one group");
}

/// The one group LBFGS accepts, checked, with max_eval resolved as PyTorch's constructor does.
ParamGroup<LBFGSOptions> only_group(std::vector<ParamGroup<LBFGSOptions>> groups,
                                    const LBFGSOptions& defaults) {
    defaults.validate();
    if (groups.empty()) throw ValueError("LBFGS: empty parameter list");
    if (groups.size() != 1) throw several_groups();
    ParamGroup<LBFGSOptions> group = std::move(groups.front());
    group.options.validate();
    std::vector<const void*> seen;
    detail::check_params("LBFGS", group.params, seen);
    group.options.max_eval(group.options.resolved_max_eval());
    return group;
}

}  // namespace

void LBFGSOptions::validate() const {
    detail::require_non_negative("LBFGS", "lr", lr_);
    detail::require(max_iter_ >= 1, "LBFGS", "max_iter", max_iter_, ">= 1");
    if (max_eval_) detail::require(*max_eval_ >= 1, "LBFGS", "max_eval", *max_eval_, ">= 1");
    detail::require_non_negative("LBFGS", "tolerance_grad", tolerance_grad_);
    detail::require_non_negative("LBFGS", "tolerance_change", tolerance_change_);
    detail::require(history_size_ >= 1, "LBFGS", "history_size", history_size_, ">= 1");
    if (!line_search_fn_.empty() && line_search_fn_ != "strong_wolfe")
        throw ValueError("LBFGS: invalid line_search_fn '" + line_search_fn_ +
                         "' (expected \"\" (None) or \"strong_wolfe\")");
}

LBFGS::LBFGS(std::vector<Tensor> params, const LBFGSOptions& options)
    : LBFGS(std::vector<ParamGroup<LBFGSOptions>>{ParamGroup<LBFGSOptions>(std::move(params),
                                                                           options)},
            options) {}

LBFGS::LBFGS(std::vector<ParamGroup<LBFGSOptions>> groups, const LBFGSOptions& defaults)
    : group_(only_group(std::move(groups), defaults)) {}

void LBFGS::add_param_group(std::vector<Tensor>) { throw several_groups(); }

void LBFGS::step() {
    throw ValueError(
        "LBFGS.step: LBFGS re-evaluates the function several times per step; call "
        "step(closure) with a closure that zeroes the gradients, evaluates the "
        "loss, backpropagates and returns it");
}

double LBFGS::step(const std::function<Tensor()>& closure) {
    // A closure that fails (or returns no scalar) in a later evaluation leaves the parameters
    // moved and the history half updated: put both back, so that a failed step changes nothing.
    FlatParams flat(group_.params);
    const Vec params_before = flat.clone_param();
    LBFGSState state_before = state_;
    try {
        return iterate(closure);
    } catch (...) {
        flat.set_param(params_before);
        state_ = std::move(state_before);
        throw;
    }
}

// torch.optim.LBFGS.step, statement by statement.
double LBFGS::iterate(const std::function<Tensor()>& closure) {
    NoGradGuard no_grad;
    const LBFGSOptions& o = group_.options;
    const double lr = o.lr();
    const int max_iter = o.max_iter();
    const int max_eval = o.resolved_max_eval();
    const double tolerance_grad = o.tolerance_grad();
    const double tolerance_change = o.tolerance_change();
    const std::size_t history_size = static_cast<std::size_t>(o.history_size());
    FlatParams flat(group_.params);
    LBFGSState& state = state_;

    // Evaluate the initial f(x) and df/dx.
    const double orig_loss = evaluate(closure);
    double loss = orig_loss;
    int current_evals = 1;
    state.func_evals += 1;
    check_gradients_finite();

    Vec flat_grad = flat.gather_flat_grad();
    bool opt_cond = abs_max(flat_grad) <= tolerance_grad;
    if (opt_cond) return orig_loss;

    Vec& d = state.d;
    double& t = state.t;
    auto& old_dirs = state.old_dirs;
    auto& old_stps = state.old_stps;
    Vec& ro = state.ro;
    double& H_diag = state.H_diag;
    Vec& prev_flat_grad = state.prev_flat_grad;
    double& prev_loss = state.prev_loss;
    Vec al(history_size);

    int n_iter = 0;
    while (n_iter < max_iter) {
        n_iter += 1;
        state.n_iter += 1;

        // The descent direction.
        if (state.n_iter == 1) {
            d = negated(flat_grad);
            old_dirs.clear();
            old_stps.clear();
            ro.clear();
            H_diag = 1;
        } else {
            // Update the memory with y = g − g_prev, s = t·d.
            Vec y(flat_grad.size()), s(d.size());
            for (std::size_t i = 0; i < y.size(); ++i) y[i] = flat_grad[i] - prev_flat_grad[i];
            for (std::size_t i = 0; i < s.size(); ++i) s[i] = d[i] * t;
            const double ys = dot(y, s);
            if (ys > 1e-10) {
                if (old_dirs.size() == history_size) {
                    old_dirs.erase(old_dirs.begin());
                    old_stps.erase(old_stps.begin());
                    ro.erase(ro.begin());
                }
                old_dirs.push_back(y);
                old_stps.push_back(s);
                ro.push_back(1. / ys);
                H_diag = ys / dot(y, y);
            }
            // The two-loop recursion: d = −H·g.
            const std::size_t num_old = old_dirs.size();
            Vec q = negated(flat_grad);
            for (std::size_t k = num_old; k-- > 0;) {
                al[k] = dot(old_stps[k], q) * ro[k];
                add_scaled(q, old_dirs[k], -al[k]);
            }
            for (double& v : q) v = v * H_diag;
            Vec& r = q;
            for (std::size_t k = 0; k < num_old; ++k) {
                const double be_i = dot(old_dirs[k], r) * ro[k];
                add_scaled(r, old_stps[k], al[k] - be_i);
            }
            d = std::move(r);
        }
        prev_flat_grad = flat_grad;
        prev_loss = loss;
        state.has_direction = true;

        // The step length: the initial guess.
        if (state.n_iter == 1)
            t = std::min(1., 1. / abs_sum(flat_grad)) * lr;
        else
            t = lr;

        const double gtd = dot(flat_grad, d);
        if (gtd > -tolerance_change) break;

        int ls_func_evals = 0;
        if (o.line_search_fn() == "strong_wolfe") {
            const Vec x_init = flat.clone_param();
            // torch's _directional_evaluate: the loss and gradient at x + t·d, then back to x.
            auto obj_func = [&](double step) {
                flat.add_grad(step, d);
                const double f = evaluate(closure);
                Vec g = flat.gather_flat_grad();
                flat.set_param(x_init);
                return std::make_pair(f, std::move(g));
            };
            LineSearchResult ls =
                strong_wolfe(obj_func, t, d, loss, flat_grad, gtd, tolerance_change);
            loss = ls.loss;
            flat_grad = std::move(ls.flat_grad);
            t = ls.t;
            ls_func_evals = ls.func_evals;
            flat.add_grad(t, d);
            opt_cond = abs_max(flat_grad) <= tolerance_grad;
        } else {
            // A fixed step; the function is re-evaluated except after the last iteration
            // (PyTorch: in a stochastic setting there is no use in it).
            flat.add_grad(t, d);
            if (n_iter != max_iter) {
                loss = evaluate(closure);
                flat_grad = flat.gather_flat_grad();
                opt_cond = abs_max(flat_grad) <= tolerance_grad;
                ls_func_evals = 1;
            }
        }
        current_evals += ls_func_evals;
        state.func_evals += ls_func_evals;

        // Stopping conditions.
        if (n_iter == max_iter) break;
        if (current_evals >= max_eval) break;
        if (opt_cond) break;
        double step_max = 0.0;
        for (double v : d) step_max = std::max(step_max, std::abs(v * t));
        if (step_max <= tolerance_change) break;
        if (std::abs(loss - prev_loss) < tolerance_change) break;
    }
    return orig_loss;
}

ParamGroup<LBFGSOptions>& LBFGS::group_at(std::size_t group) {
    return const_cast<ParamGroup<LBFGSOptions>&>(std::as_const(*this).group_at(group));
}

const ParamGroup<LBFGSOptions>& LBFGS::group_at(std::size_t group) const {
    if (group != 0)
        throw IndexError("LBFGS: parameter group " + std::to_string(group) +
                         " is out of range (expected < 1)");
    return group_;
}

const std::vector<Tensor>& LBFGS::params(std::size_t group) const { return group_at(group).params; }
double LBFGS::lr(std::size_t group) const { return group_at(group).options.lr(); }
void LBFGS::set_lr(std::size_t group, double lr) { group_at(group).options.lr(lr); }
std::optional<double> LBFGS::initial_lr(std::size_t group) const {
    return group_at(group).initial_lr;
}
void LBFGS::set_initial_lr(std::size_t group, std::optional<double> initial_lr) {
    group_at(group).initial_lr = initial_lr;
}
double LBFGS::momentum(std::size_t) const {
    throw ValueError("LBFGS has no momentum to set or read");
}
void LBFGS::set_momentum(std::size_t, double) {
    throw ValueError("LBFGS has no momentum to set or read");
}

namespace {

/// The hyperparameters and the state, listed once for saving and loading. `history` is the
/// number of (s, y) pairs; the visitor resizes nothing, so the loader sizes the vectors first.
template <class Options, class Fn>
void visit_options(Options& o, Fn&& fn) {
    fn("lr", o.lr());
    fn("max_iter", o.max_iter());
    int max_eval = o.resolved_max_eval();
    fn("max_eval", max_eval);
    o.max_eval(max_eval);
    fn("tolerance_grad", o.tolerance_grad());
    fn("tolerance_change", o.tolerance_change());
    fn("history_size", o.history_size());
    fn("line_search_fn", o.line_search_fn());
}

template <class State, class Fn>
void visit_state(State& s, int& history, Fn&& fn) {
    fn("func_evals", s.func_evals);
    fn("n_iter", s.n_iter);
    if (!s.has_direction) return;
    fn("d", s.d);
    fn("t", s.t);
    fn("history", history);
    for (int k = 0; k < static_cast<int>(s.old_dirs.size()); ++k) {
        fn(("old_dirs." + std::to_string(k)).c_str(), s.old_dirs[k]);
        fn(("old_stps." + std::to_string(k)).c_str(), s.old_stps[k]);
    }
    fn("ro", s.ro);
    fn("H_diag", s.H_diag);
    fn("prev_flat_grad", s.prev_flat_grad);
    fn("prev_loss", s.prev_loss);
}

std::size_t numel_of(const std::vector<Tensor>& params) {
    std::size_t n = 0;
    for (const Tensor& p : params) n += p.numel();
    return n;
}

}  // namespace

StateDict LBFGS::state_dict() const {
    StateDict out;
    out.metadata["type"] = name();
    std::string indices;
    for (std::size_t k = 0; k < group_.params.size(); ++k)
        indices += (k ? "," : "") + std::to_string(k);
    out.metadata["param_groups.0.params"] = indices;
    LBFGSOptions options = group_.options;
    visit_options(options, FieldSaver(out, "param_groups.0."));
    if (group_.initial_lr)
        out.metadata["param_groups.0.initial_lr"] = format_exact(*group_.initial_lr);
    LBFGSState state = state_;
    int history = static_cast<int>(state.old_dirs.size());
    if (state.func_evals > 0) visit_state(state, history, FieldSaver(out, "state.0."));
    return out;
}

void LBFGS::load_state_dict(const StateDict& in) {
    const auto type = in.metadata.find("type");
    if (type != in.metadata.end() && type->second != name())
        throw ValueError(std::string("LBFGS.load_state_dict: the state was saved by ") +
                         type->second);
    if (xgrad::detail::has_prefix(in, "param_groups.1."))
        throw ValueError("LBFGS.load_state_dict: the state has more than 1 parameter group");
    const std::string& indices = xgrad::detail::required_entry(in, "param_groups.0.params", name());
    const std::size_t saved_count =
        indices.empty() ? 0 : 1 + std::count(indices.begin(), indices.end(), ',');
    if (saved_count != group_.params.size())
        throw ValueError("LBFGS.load_state_dict: the group has " +
                         std::to_string(group_.params.size()) + " parameters, the saved one " +
                         std::to_string(saved_count));
    ParamGroup<LBFGSOptions> group = group_;
    visit_options(group.options, FieldLoader(in, "param_groups.0.", name()));
    group.options.validate();
    const auto initial = in.metadata.find("param_groups.0.initial_lr");
    group.initial_lr =
        initial == in.metadata.end()
            ? std::nullopt
            : std::optional<double>(parse_exact(initial->second, "param_groups.0.initial_lr"));

    LBFGSState state;
    if (xgrad::detail::has_prefix(in, "state.0.")) {
        FieldLoader loader(in, "state.0.", name());
        loader("func_evals", state.func_evals);
        loader("n_iter", state.n_iter);
        state.has_direction = in.metadata.count("state.0.t") > 0;
        if (state.has_direction) {
            const std::size_t numel = numel_of(group.params);
            int history = 0;
            loader("history", history);
            if (history < 0 || history > group.options.history_size())
                throw ValueError("LBFGS.load_state_dict: state.0.history " +
                                 std::to_string(history) + " is out of range (expected 0.." +
                                 std::to_string(group.options.history_size()) + ")");
            state.d.resize(numel);
            state.prev_flat_grad.resize(numel);
            state.old_dirs.assign(history, Vec(numel));
            state.old_stps.assign(history, Vec(numel));
            state.ro.resize(history);
            visit_state(state, history, loader);
        }
    }
    group_ = std::move(group);
    state_ = std::move(state);
}

}  // namespace xgrad::optim

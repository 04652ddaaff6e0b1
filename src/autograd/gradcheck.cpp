// gradcheck: the analytic Jacobian (one backward pass per output element) against central
// differences (two forward passes per input element), in float64.
#include <cmath>
#include <sstream>

#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad {

GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, double eps, double atol, double rtol) {
    std::vector<std::size_t> checked;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].dtype() != DType::Float64)
            throw DTypeError("gradcheck: input " + std::to_string(i) + " is " +
                             dtype_name(inputs[i].dtype()) +
                             " (expected float64: float32 differences are too coarse)");
        if (inputs[i].requires_grad()) checked.push_back(i);
    }
    if (checked.empty()) throw ValueError("gradcheck: no input requires grad");

    const Tensor output = fn(inputs);
    if (output.dtype() != DType::Float64)
        throw DTypeError("gradcheck: the function returned a float32 output (expected float64)");
    const std::size_t out_size = output.numel();

    // analytic[k][e]: d output[e] / d input[checked[k]] (flattened), row by row via grad().
    std::vector<std::vector<std::vector<double>>> analytic(checked.size());
    std::vector<Tensor> wrt;
    for (auto i : checked) {
        wrt.push_back(inputs[i]);
        analytic[wrt.size() - 1].assign(inputs[i].numel(), std::vector<double>(out_size, 0.0));
    }
    for (std::size_t e = 0; e < out_size && output.requires_grad(); ++e) {
        xt::xarray<double> seed = xt::zeros<double>(output.shape());
        seed.data()[e] = 1.0;
        const auto grads = grad({output}, wrt, {Tensor(seed)}, false, true, /*retain_graph=*/true);
        for (std::size_t k = 0; k < wrt.size(); ++k) {
            if (!grads[k].defined()) continue;
            const auto& g = grads[k].value<double>();
            for (std::size_t j = 0; j < g.size(); ++j) analytic[k][j][e] = g.data()[j];
        }
    }

    // The numeric side keeps grad mode on: `fn` may itself take gradients (gradients of gradients).
    GradcheckResult result;
    for (std::size_t k = 0; k < wrt.size(); ++k) {
        auto& x = const_cast<Tensor&>(wrt[k]).value<double>();
        for (std::size_t j = 0; j < x.size(); ++j) {
            const double original = x.data()[j];
            x.data()[j] = original + eps;
            const auto plus = fn(inputs).to_vector();
            x.data()[j] = original - eps;
            const auto minus = fn(inputs).to_vector();
            x.data()[j] = original;
            for (std::size_t e = 0; e < out_size; ++e) {
                const double numeric = (plus[e] - minus[e]) / (2.0 * eps);
                const double error = std::abs(analytic[k][j][e] - numeric);
                const bool bad = !(error <= atol + rtol * std::abs(numeric));
                if (error > result.max_abs_error || std::isnan(error)) result.max_abs_error = error;
                if (bad && result.ok) {
                    result.ok = false;
                    std::ostringstream report;
                    report.precision(10);
                    report << "gradcheck: input " << checked[k] << " element " << j
                           << ", output element " << e << ": analytic " << analytic[k][j][e]
                           << " vs numeric " << numeric << " (|diff| " << error << " > atol "
                           << atol << " + rtol " << rtol << " * |numeric|)";
                    result.report = report.str();
                }
            }
        }
    }
    if (result.ok)
        result.report = "gradcheck: passed (max |analytic - numeric| " +
                        std::to_string(result.max_abs_error) + ")";
    return result;
}

}  // namespace xgrad

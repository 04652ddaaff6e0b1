// matmul on BLAS gemm, with transpose flags instead of materialised transposes, forward beside
// backward. Batched 3-D operands loop over the batch; a batch of 1 (or a 2-D operand) is
// broadcast, and the engine sums its gradient back over the batch.
#include "xgrad/ops/linalg.hpp"

#include "blas.hpp"
#include "ops/common.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
/// The matrices behind a 2-D or 3-D operand: `batch` matrices of rows x cols, stored row-major.
struct Operand {
    std::size_t batch, rows, cols;
    bool transposed;
    std::size_t op_rows() const { return transposed ? cols : rows; }
    std::size_t op_cols() const { return transposed ? rows : cols; }
};

Operand operand(const char* side, const Tensor& t, bool transposed, const Tensor& a,
                const Tensor& b) {
    if (t.dim() != 2 && t.dim() != 3)
        throw ShapeError(std::string("matmul: ") + side + " operand has shape " +
                         shape_str(t.shape()) + " in " + shape_str(a.shape()) + " @ " +
                         shape_str(b.shape()) + " (expected 2-D or 3-D)");
    const Shape& s = t.shape();
    const std::size_t d = s.size();
    return {d == 3 ? s[0] : 1, s[d - 2], s[d - 1], transposed};
}
}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
    check_same_dtype("matmul", {a, b});
    const Operand A = operand("left", a, transpose_a, a, b);
    const Operand B = operand("right", b, transpose_b, a, b);
    const auto describe = [&] {
        return shape_str(a.shape()) + (transpose_a ? "^T" : "") + " @ " + shape_str(b.shape()) +
               (transpose_b ? "^T" : "");
    };
    if (A.op_cols() != B.op_rows())
        throw ShapeError("matmul: inner sizes differ in " + describe() + ": " +
                         std::to_string(A.op_cols()) + " vs " + std::to_string(B.op_rows()) +
                         " (expected the left operand's columns to equal the right one's rows)");
    if (A.batch != B.batch && A.batch != 1 && B.batch != 1)
        throw ShapeError("matmul: batch sizes " + std::to_string(A.batch) + " and " +
                         std::to_string(B.batch) + " do not broadcast in " + describe() +
                         " (expected equal sizes or 1)");
    const std::size_t batch = std::max(A.batch, B.batch), m = A.op_rows(), n = B.op_cols(),
                      k = A.op_cols();
    const bool batched = a.dim() == 3 || b.dim() == 3;
    const Shape out_shape = batched ? Shape{batch, m, n} : Shape{m, n};

    Array value = detail::apply("matmul", a, b, [&](const auto& x, const auto& y) {
        using T = element_t<decltype(x)>;
        // BLAS overwrites the output (beta = 0); only an empty inner size leaves it to be zeroed.
        xt::xarray<T> out = detail::new_array<T>(out_shape);
        if (m == 0 || n == 0) return out;
        if (k == 0) {
            out.fill(T(0));
            return out;
        }
        for (std::size_t i = 0; i < batch; ++i) {
            const T* pa = x.data() + (A.batch == 1 ? 0 : i) * A.rows * A.cols;
            const T* pb = y.data() + (B.batch == 1 ? 0 : i) * B.rows * B.cols;
            detail::gemm(transpose_a, transpose_b, m, n, k, T(1), pa, A.cols, pb, B.cols, T(0),
                         out.data() + i * m * n, n);
        }
        return out;
    });
    return make_op("matmul", std::move(value), {a, b},
                   [transpose_a, transpose_b](const Tensor& g, const Tensor&, const Inputs& in) {
                       const Tensor& x = in[0];
                       const Tensor& y = in[1];
                       // C = op(A) op(B): dA = g op(B)^T (or its transpose), dB = op(A)^T g (or
                       // its).
                       Tensor grad_a, grad_b;
                       if (x.requires_grad())
                           grad_a = transpose_a ? matmul(y, g, transpose_b, true)
                                                : matmul(g, y, false, !transpose_b);
                       if (y.requires_grad())
                           grad_b = transpose_b ? matmul(g, x, true, transpose_a)
                                                : matmul(x, g, !transpose_a, false);
                       return Grads{grad_a, grad_b};
                   });
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    const auto describe = [&] {
        return "linear: input " + shape_str(x.shape()) + ", weight " + shape_str(weight.shape()) +
               ", bias " + (bias.defined() ? shape_str(bias.shape()) : std::string("none"));
    };
    if (weight.dim() != 2 || x.dim() == 0 || x.shape().back() != weight.shape()[1] ||
        (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0])))
        throw ShapeError(describe() +
                         " (expected input (..., in), weight (out, in) and bias (out,))");
    if (bias.defined())
        check_same_dtype("linear", {x, weight, bias});
    else if (x.dtype() != weight.dtype())
        check_same_dtype("linear", {x, weight});
    const std::size_t in = weight.shape()[1], out = weight.shape()[0];
    const std::size_t rows = in == 0 ? detail::product(x.shape(), 0, x.dim() - 1) : x.numel() / in;
    Shape out_shape = x.shape();
    out_shape.back() = out;

    Array value = detail::apply("linear", x, weight, [&](const auto& a, const auto& w) {
        using T = element_t<decltype(a)>;
        xt::xarray<T> y = detail::new_array<T>(out_shape);
        T beta = T(0);
        if (bias.defined()) {  // every row starts as the bias; gemm adds the product (beta = 1)
            const T* b = bias.value<T>().data();
            for (std::size_t r = 0; r < rows; ++r) std::copy_n(b, out, y.data() + r * out);
            beta = T(1);
        } else if (in == 0) {
            y.fill(T(0));
        }
        if (rows > 0 && out > 0 && in > 0)
            detail::gemm(false, true, rows, out, in, T(1), a.data(), in, w.data(), in, beta,
                         y.data(), out);
        return y;
    });
    const std::vector<Tensor> inputs =
        bias.defined() ? std::vector<Tensor>{x, weight, bias} : std::vector<Tensor>{x, weight};
    return make_op("linear", std::move(value), inputs,
                   [rows, in, out](const Tensor& g, const Tensor&, const Inputs& ins) {
                       // As 2-D: g (rows, out), x (rows, in). Written with ops, so create_graph
                       // differentiates it again; without it they run straight on BLAS.
                       const Tensor g2 = reshape(g, {rows, out});
                       Grads grads(ins.size());
                       if (ins[0].requires_grad())
                           grads[0] = reshape(matmul(g2, ins[1]), ins[0].shape());
                       if (ins[1].requires_grad())
                           grads[1] = matmul(g2, reshape(ins[0], {rows, in}), true, false);
                       if (ins.size() == 3 && ins[2].requires_grad()) grads[2] = sum(g2, {0});
                       return grads;
                   });
}

}  // namespace xgrad

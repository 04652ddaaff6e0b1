// matmul on BLAS gemm, with transpose flags instead of materialised transposes, forward beside
// backward. Operands of rank >= 2 are stacks of matrices over their leading (batch) axes, which
// broadcast as NumPy's do; a broadcast operand is read in place (no copy), and the engine sums its
// gradient back over the broadcast axes. 1-D operands follow torch.matmul: a vector is a one-row
// (left) or one-column (right) matrix whose axis is removed from the result again.
#include "xgrad/ops/linalg.hpp"

#include "blas.hpp"
#include "ops/common.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
/// The matrices behind an operand of rank >= 2: its batch shape and matrices of rows x cols,
/// stored row-major one after the other.
struct Operand {
    Shape batch;
    std::size_t rows, cols;
    bool transposed;
    std::size_t op_rows() const { return transposed ? cols : rows; }
    std::size_t op_cols() const { return transposed ? rows : cols; }
};

Operand operand(const Shape& s, bool transposed) {
    const std::size_t d = s.size();
    return {Shape(s.begin(), s.end() - 2), s[d - 2], s[d - 1], transposed};
}

/// Offset, in matrices, of each operand's matrix for every output batch index: the operand's
/// batch axes aligned to the right of the output's, an axis of size 1 (or a missing one) read at
/// index 0.
struct BatchWalk {
    Shape out;
    xt::svector<std::size_t, 8> stride_a, stride_b;

    BatchWalk(const Shape& out_batch, const Shape& a, const Shape& b)
        : out(out_batch), stride_a(strides(out_batch, a)), stride_b(strides(out_batch, b)) {}

    static xt::svector<std::size_t, 8> strides(const Shape& out, const Shape& s) {
        xt::svector<std::size_t, 8> result(out.size(), 0);
        std::size_t step = 1;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const std::size_t d = s.size() - 1 - i;
            if (s[d] != 1) result[out.size() - 1 - i] = step;
            step *= s[d];
        }
        return result;
    }
    /// The matrix offsets of batch `index` (row-major over `out`) in a and in b.
    std::pair<std::size_t, std::size_t> at(std::size_t index) const {
        std::size_t oa = 0, ob = 0;
        for (std::size_t d = out.size(); d-- > 0;) {
            const std::size_t i = index % out[d];
            index /= out[d];
            oa += i * stride_a[d];
            ob += i * stride_b[d];
        }
        return {oa, ob};
    }
};

/// The product of operands of rank >= 2 whose shapes were checked by matmul().
Tensor batched_matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
                      const Shape& out_batch) {
    const Operand A = operand(a.shape(), transpose_a);
    const Operand B = operand(b.shape(), transpose_b);
    const std::size_t m = A.op_rows(), n = B.op_cols(), k = A.op_cols();
    const std::size_t batch = detail::product(out_batch, 0, out_batch.size());
    Shape out_shape = out_batch;
    out_shape.push_back(m);
    out_shape.push_back(n);
    const BatchWalk walk(out_batch, A.batch, B.batch);

    Array value = detail::apply("matmul", a, b, [&](const auto& x, const auto& y) {
        using T = element_t<decltype(x)>;
        // BLAS overwrites the output (beta = 0); only an empty inner size leaves it to be zeroed.
        xt::xarray<T> out = detail::new_array<T>(out_shape);
        if (m == 0 || n == 0 || batch == 0) return out;
        if (k == 0) {
            out.fill(T(0));
            return out;
        }
        for (std::size_t i = 0; i < batch; ++i) {
            const auto [ia, ib] = walk.at(i);
            detail::gemm(transpose_a, transpose_b, m, n, k, T(1), x.data() + ia * A.rows * A.cols,
                         A.cols, y.data() + ib * B.rows * B.cols, B.cols, T(0),
                         out.data() + i * m * n, n);
        }
        return out;
    });
    return make_op("matmul", std::move(value), {a, b},
                   [transpose_a, transpose_b](const Tensor& g, const Tensor&, const Inputs& in) {
                       const Tensor& x = in[0];
                       const Tensor& y = in[1];
                       // C = op(A) op(B): dA = g op(B)^T (or its transpose), dB = op(A)^T g (or
                       // its). Over broadcast batch axes they have the output's batch shape; the
                       // engine sums them back.
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
}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
    check_same_dtype("matmul", {a, b});
    const auto describe = [&] {
        return shape_str(a.shape()) + (transpose_a ? "^T" : "") + " @ " + shape_str(b.shape()) +
               (transpose_b ? "^T" : "");
    };
    if (a.dim() == 0 || b.dim() == 0)
        throw ShapeError("matmul: a 0-d operand in " + describe() +
                         " (expected operands of at least 1 dimension)");
    if ((a.dim() == 1 && transpose_a) || (b.dim() == 1 && transpose_b))
        throw ValueError("matmul: a transpose flag on the 1-D operand of " + describe() +
                         " (expected flags only on operands of 2 or more dimensions)");
    // A vector is a one-row matrix on the left and a one-column matrix on the right.
    const Shape as = a.dim() == 1 ? Shape{1, a.shape()[0]} : a.shape();
    const Shape bs = b.dim() == 1 ? Shape{b.shape()[0], 1} : b.shape();
    const Operand A = operand(as, transpose_a), B = operand(bs, transpose_b);
    if (A.op_cols() != B.op_rows())
        throw ShapeError("matmul: inner sizes differ in " + describe() + ": " +
                         std::to_string(A.op_cols()) + " vs " + std::to_string(B.op_rows()) +
                         " (expected the left operand's columns to equal the right one's rows)");
    Shape out_batch(std::max(A.batch.size(), B.batch.size()), 1);
    for (std::size_t i = 0; i < out_batch.size(); ++i) {
        const std::size_t sa = i < A.batch.size() ? A.batch[A.batch.size() - 1 - i] : 1;
        const std::size_t sb = i < B.batch.size() ? B.batch[B.batch.size() - 1 - i] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            throw ShapeError("matmul: batch sizes " + std::to_string(sa) + " and " +
                             std::to_string(sb) + " do not broadcast in " + describe() +
                             " (expected equal sizes or 1)");
        out_batch[out_batch.size() - 1 - i] = sa == 1 ? sb : sa;
    }
    Tensor y;
    if (a.dim() >= 2 && b.dim() >= 2) {
        y = batched_matmul(a, b, transpose_a, transpose_b, out_batch);
    } else {  // torch.matmul's vector cases: the added axis of size 1 is removed again.
        Shape out_shape = out_batch;
        if (a.dim() >= 2) out_shape.push_back(A.op_rows());
        if (b.dim() >= 2) out_shape.push_back(B.op_cols());
        y = reshape(
            batched_matmul(reshape(a, as), reshape(b, bs), transpose_a, transpose_b, out_batch),
            out_shape);
    }
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "matmul", {a, b},
                      {{"transpose_a", std::int64_t{transpose_a}},
                       {"transpose_b", std::int64_t{transpose_b}}});
    return y;
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

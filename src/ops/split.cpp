// split, chunk and unbind: one tensor cut into pieces along an axis. The pieces hang off one hub
// node, so that backward assembles the input's gradient once from all the pieces' gradients. (A
// slice per piece would scatter each piece's gradient into zeros of the input's full size: the T
// steps of a sequence would cost O(T^2) in backward.)
#include <algorithm>

#include "ops/common.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
/// How x is cut: piece k covers [starts[k], starts[k] + sizes[k]) along `axis`; with drop_axis
/// (unbind) the pieces lose that axis.
struct Cut {
    Shape shape;
    std::size_t axis;
    std::vector<std::size_t> starts, sizes;
    bool drop_axis;

    std::size_t outer() const { return detail::product(shape, 0, axis); }
    std::size_t inner() const { return detail::product(shape, axis + 1, shape.size()); }
    Shape piece_shape(std::size_t k) const {
        Shape s = shape;
        if (drop_axis)
            s.erase(s.begin() + static_cast<std::ptrdiff_t>(axis));
        else
            s[axis] = sizes[k];
        return s;
    }
};

/// The pieces' gradients within one backward sweep. Every piece's backward runs before the hub's
/// (the hub is their common input, so it comes later in the sweep); each piece posts its gradient
/// here and the hub takes them all out, so nothing outlives the sweep.
struct Mailbox {
    std::vector<Tensor> grads;
};

std::vector<Tensor> cut(const Tensor& x, const std::shared_ptr<const Cut>& c);

/// The reverse of cut: x's gradient from the pieces' (an undefined one counts as zeros). Its own
/// backward cuts the incoming gradient again (second order).
Tensor assemble(const std::vector<Tensor>& grads, const std::shared_ptr<const Cut>& c) {
    std::vector<Tensor> inputs;
    std::vector<std::size_t> which;
    for (std::size_t k = 0; k < grads.size(); ++k)
        if (grads[k].defined()) {
            inputs.push_back(grads[k]);
            which.push_back(k);
        }
    const std::size_t outer = c->outer(), inner = c->inner(), length = c->shape[c->axis];
    Array value = detail::apply(inputs.front(), [&](const auto& first) {
        using T = element_t<decltype(first)>;
        xt::xarray<T> r = xt::zeros<T>(c->shape);
        for (std::size_t k = 0; k < which.size(); ++k) {
            const T* src = std::get<xt::xarray<T>>(array_of(inputs[k])).data();
            const std::size_t block = c->sizes[which[k]] * inner;
            for (std::size_t o = 0; o < outer; ++o)
                std::copy_n(src + o * block, block,
                            r.data() + (o * length + c->starts[which[k]]) * inner);
        }
        return r;
    });
    return make_op("split_backward", std::move(value), inputs,
                   [c, which](const Tensor& gg, const Tensor&, const Inputs&) {
                       const std::vector<Tensor> pieces = cut(gg, c);
                       Grads grads;
                       for (auto k : which) grads.push_back(pieces[k]);
                       return grads;
                   });
}

std::vector<Tensor> cut(const Tensor& x, const std::shared_ptr<const Cut>& c) {
    const std::size_t outer = c->outer(), inner = c->inner(), length = c->shape[c->axis];
    std::vector<Array> values;
    std::visit(
        [&](const auto& a) {
            using T = element_t<decltype(a)>;
            for (std::size_t k = 0; k < c->sizes.size(); ++k) {
                xt::xarray<T> r = detail::new_array<T>(c->piece_shape(k));
                const std::size_t block = c->sizes[k] * inner;
                for (std::size_t o = 0; o < outer; ++o)
                    std::copy_n(a.data() + (o * length + c->starts[k]) * inner, block,
                                r.data() + o * block);
                values.emplace_back(std::move(r));
            }
        },
        array_of(x));
    std::vector<Tensor> pieces;
    pieces.reserve(values.size());
    if (!(is_grad_enabled() && x.requires_grad())) {
        for (auto& v : values) pieces.push_back(make_leaf(std::move(v)));
        return pieces;
    }
    // d(piece k)/dx is the selection of block k; the hub's value is a placeholder scalar.
    auto mailbox = std::make_shared<Mailbox>();
    mailbox->grads.resize(values.size());
    const Tensor hub = make_op("split", Array(array_of(zeros({}, x.dtype()))), {x},
                               [c, mailbox](const Tensor&, const Tensor&, const Inputs&) {
                                   std::vector<Tensor> grads(mailbox->grads.size());
                                   std::swap(grads, mailbox->grads);
                                   const bool any =
                                       std::any_of(grads.begin(), grads.end(),
                                                   [](const Tensor& g) { return g.defined(); });
                                   return Grads{any ? assemble(grads, c) : Tensor()};
                               });
    for (std::size_t k = 0; k < values.size(); ++k)
        pieces.push_back(make_op("split", std::move(values[k]), {hub},
                                 [mailbox, k](const Tensor& g, const Tensor&, const Inputs& in) {
                                     Tensor& slot = mailbox->grads[k];
                                     slot = slot.defined() ? slot + g : g;
                                     return Grads{zeros_like(in[0])};
                                 }));
    return pieces;
}

std::shared_ptr<Cut> make_cut(const char* op, const Tensor& x, std::ptrdiff_t axis) {
    auto c = std::make_shared<Cut>();
    c->shape = x.shape();
    c->axis = detail::normalize_axis(op, axis, x.dim());
    c->drop_axis = false;
    return c;
}
}  // namespace

std::vector<Tensor> split(const Tensor& x, const std::vector<std::size_t>& sizes,
                          std::ptrdiff_t axis) {
    auto c = make_cut("split", x, axis);
    std::size_t start = 0;
    for (auto size : sizes) {
        c->starts.push_back(start);
        start += size;
    }
    if (start != x.shape()[c->axis])
        throw ValueError("split: sizes adding up to " + std::to_string(start) + " for axis " +
                         std::to_string(axis) + " of shape " + shape_str(x.shape()) +
                         " (expected them to add up to its length " +
                         std::to_string(x.shape()[c->axis]) + ")");
    c->sizes = sizes;
    return cut(x, c);
}

std::vector<Tensor> chunk(const Tensor& x, std::size_t chunks, std::ptrdiff_t axis) {
    if (chunks == 0) throw ValueError("chunk: expected at least one chunk, got 0");
    const std::size_t length = x.shape()[detail::normalize_axis("chunk", axis, x.dim())];
    // torch.chunk: pieces of ceil(length / chunks), the last one shorter, fewer pieces when the
    // entries run out (chunk(5 entries, 4) gives 2, 2, 1).
    const std::size_t size = std::max<std::size_t>((length + chunks - 1) / chunks, 1);
    std::vector<std::size_t> sizes;
    for (std::size_t start = 0; start < length; start += size)
        sizes.push_back(std::min(size, length - start));
    if (sizes.empty()) sizes.push_back(0);
    return split(x, sizes, axis);
}

std::vector<Tensor> unbind(const Tensor& x, std::ptrdiff_t axis) {
    auto c = make_cut("unbind", x, axis);
    c->drop_axis = true;
    for (std::size_t k = 0; k < x.shape()[c->axis]; ++k) {
        c->starts.push_back(k);
        c->sizes.push_back(1);
    }
    return cut(x, c);
}

}  // namespace xgrad

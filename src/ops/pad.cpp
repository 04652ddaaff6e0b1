// pad: every output element is a copy of one input element (or the constant), so the op is a
// gather by an index map and its gradient the scatter-add by the same map (ops/index_map.hpp).
#include "xgrad/ops/pad.hpp"

#include "ops/common.hpp"
#include "ops/index_map.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

namespace {
const char* mode_name(PadMode mode) {
    switch (mode) {
        case PadMode::Constant:
            return "constant";
        case PadMode::Reflect:
            return "reflect";
        default:
            return "replicate";
    }
}

/// The source coordinate of output coordinate `o` along an axis of `size` padded by `before`,
/// or -1 for a constant element.
std::int64_t source(std::int64_t o, std::int64_t before, std::int64_t size, PadMode mode) {
    const std::int64_t i = o - before;
    if (i >= 0 && i < size) return i;
    if (mode == PadMode::Constant) return -1;
    if (mode == PadMode::Replicate) return i < 0 ? 0 : size - 1;
    return i < 0 ? -i : 2 * (size - 1) - i;  // reflect (pads < size, so one bounce)
}

/// The constant elements of a constant padding: `value` where the map has no source, else 0 (a
/// constant, not differentiable).
Array constant_fill(const Tensor& x, const std::vector<std::int64_t>& map, const Shape& out_shape,
                    double value) {
    return std::visit(
        [&](const auto& a) -> Array {
            using T = detail::element_t<decltype(a)>;
            xt::xarray<T> f = detail::new_array<T>(out_shape);
            for (std::size_t i = 0; i < map.size(); ++i)
                f.data()[i] = map[i] < 0 ? static_cast<T>(value) : T(0);
            return f;
        },
        array_of(x));
}
}  // namespace

Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, PadMode mode, double value) {
    const std::string op = std::string("pad (") + mode_name(mode) + ")";
    const auto describe = [&] {
        std::string p = "{";
        for (std::size_t i = 0; i < pads.size(); ++i)
            p += (i ? ", " : "") + std::to_string(pads[i]);
        return " (input " + shape_str(x.shape()) + ", pads " + p + "})";
    };
    if (pads.size() % 2 != 0 || pads.size() / 2 > x.dim())
        throw ShapeError(op +
                         ": expected an even number of sizes, two per padded axis, for at "
                         "most the input's " +
                         std::to_string(x.dim()) + " axes" + describe());
    const std::size_t padded = pads.size() / 2, rank = x.dim();
    Shape out_shape = x.shape();
    std::vector<std::int64_t> before(rank, 0);
    for (std::size_t k = 0; k < padded; ++k) {
        const std::size_t axis = rank - 1 - k;
        const std::int64_t size = static_cast<std::int64_t>(x.shape()[axis]);
        const std::int64_t lo = pads[2 * k], hi = pads[2 * k + 1];
        if (mode != PadMode::Constant && (lo < 0 || hi < 0))
            throw ValueError(op + ": negative sizes crop only in constant mode" + describe());
        if (mode == PadMode::Reflect && (lo >= size || hi >= size))
            throw ValueError(op + ": sizes must be smaller than the padded axis (axis " +
                             std::to_string(axis) + " has " + std::to_string(size) + ")" +
                             describe());
        if (mode == PadMode::Replicate && size == 0 && (lo > 0 || hi > 0))
            throw ValueError(op + ": cannot replicate an empty axis " + std::to_string(axis) +
                             describe());
        if (size + lo + hi < 0)
            throw ShapeError(op + ": axis " + std::to_string(axis) + " would have size " +
                             std::to_string(size + lo + hi) + describe());
        out_shape[axis] = static_cast<std::size_t>(size + lo + hi);
        before[axis] = lo;
    }
    // Per axis, the source coordinate of every output coordinate; then the flat map.
    std::vector<std::vector<std::int64_t>> sources(rank);
    for (std::size_t a = 0; a < rank; ++a)
        for (std::size_t o = 0; o < out_shape[a]; ++o)
            sources[a].push_back(source(static_cast<std::int64_t>(o), before[a],
                                        static_cast<std::int64_t>(x.shape()[a]), mode));
    std::size_t total = 1;
    for (std::size_t s : out_shape) total *= s;
    auto map = detail::new_index_map(total);
    std::vector<std::size_t> index(rank, 0);
    for (std::size_t i = 0; i < total; ++i) {
        std::int64_t flat = 0;
        for (std::size_t a = 0; a < rank && flat >= 0; ++a) {
            const std::int64_t s = sources[a][index[a]];
            flat = s < 0 ? -1 : flat * static_cast<std::int64_t>(x.shape()[a]) + s;
        }
        (*map)[i] = flat;
        for (std::size_t a = rank; a-- > 0;) {  // row-major increment
            if (++index[a] < out_shape[a]) break;
            index[a] = 0;
        }
    }
    Tensor y = detail::gather_by_map("pad", x, map, out_shape);
    if (mode == PadMode::Constant && value != 0.0)
        y = y + detail::constant(constant_fill(x, *map, out_shape, value));
    if (OpTrace* trace = OpTrace::current())
        trace->record(
            y, "pad", {x},
            {{"pads", pads}, {"mode", static_cast<std::int64_t>(mode)}, {"value", value}});
    return y;
}

Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, const std::string& mode,
           double value) {
    if (mode == "constant") return pad(x, pads, PadMode::Constant, value);
    if (mode == "reflect") return pad(x, pads, PadMode::Reflect, value);
    if (mode == "replicate") return pad(x, pads, PadMode::Replicate, value);
    throw ValueError("pad: mode '" + mode + "' is not one of 'constant', 'reflect', 'replicate'");
}

}  // namespace xgrad

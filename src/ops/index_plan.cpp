// PyTorch's indexing rules, as its applySlicing and advanced index apply them, turned into an
// index map. Basic items make strided axes of the result: an integer moves the start and drops
// its axis, a slice keeps its axis with a new start, length and stride, None adds an axis of
// stride 0. Advanced items (integer indices, masks as the positions of their ones) become one
// offset per element of their broadcast shape B; the B axes replace the advanced items where
// they stand when those are adjacent, and go first otherwise.
#include "ops/index_plan.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <xtensor/xbroadcast.hpp>

#include "ops/common.hpp"

namespace xgrad::detail {

namespace {
using indexing::TensorIndex;
using Kind = TensorIndex::Kind;

/// An axis of the result: `size` entries `stride` apart in x, or (with `table`) at the offsets
/// listed there.
struct Level {
    std::size_t size;
    std::int64_t stride;
    const std::vector<std::int64_t>* table = nullptr;
    std::int64_t offset(std::size_t i) const {
        return table ? (*table)[i] : static_cast<std::int64_t>(i) * stride;
    }
};

/// The plan under construction, walking x's axes as the items consume them.
struct Planner {
    Planner(const char* op_name, const Shape& x_shape)
        : op(op_name), shape(x_shape), strides(x_shape.size(), 1) {
        for (std::size_t d = shape.size(); d-- > 1;)
            strides[d - 1] = strides[d] * static_cast<std::int64_t>(shape[d]);
    }
    const char* op;
    const Shape& shape;
    std::vector<std::int64_t> strides;  // x's, row-major
    std::int64_t base = 0;
    std::vector<Level> axes;                         // in result order; advanced ones are slots
    std::vector<std::size_t> advanced_at;            // positions of the slots in `axes`
    std::vector<xt::xarray<std::int64_t>> advanced;  // per slot: offsets in x, any shape

    std::string where(std::size_t item, std::size_t axis) const {
        return " (item " + std::to_string(item) + " of the index, axis " + std::to_string(axis) +
               " of size " + std::to_string(shape[axis]) + ", tensor " + shape_str(shape) + ")";
    }

    /// `i` in [-size, size) made non-negative; IndexError otherwise.
    std::int64_t position(std::int64_t i, std::size_t item, std::size_t axis) const {
        const auto n = static_cast<std::int64_t>(shape[axis]);
        if (i < -n || i >= n)
            throw IndexError(std::string(op) + ": index " + std::to_string(i) +
                             " is out of bounds" + where(item, axis));
        return i < 0 ? i + n : i;
    }

    void integer(std::int64_t i, std::size_t item, std::size_t axis) {
        base += position(i, item, axis) * strides[axis];
    }

    void slice(const indexing::Slice& s, std::size_t item, std::size_t axis) {
        const std::int64_t step = s.step().value_or(1);
        if (step <= 0)
            throw ValueError(std::string(op) + ": slice step must be positive, got " +
                             std::to_string(step) + where(item, axis));
        // Python's slice rules: negative bounds count from the end, then clip to [0, n].
        const auto n = static_cast<std::int64_t>(shape[axis]);
        auto clip = [n](std::int64_t i) {
            return std::clamp<std::int64_t>(i < 0 ? i + n : i, 0, n);
        };
        const std::int64_t start = s.start() ? clip(*s.start()) : 0;
        const std::int64_t stop = s.stop() ? clip(*s.stop()) : n;
        const std::int64_t length = stop > start ? (stop - start + step - 1) / step : 0;
        base += start * strides[axis];
        axes.push_back({static_cast<std::size_t>(length), step * strides[axis]});
    }

    void full(std::size_t axis) { axes.push_back({shape[axis], strides[axis]}); }

    /// An advanced item's offsets in x (already times the stride), on a new slot.
    void slot(xt::xarray<std::int64_t> offsets) {
        advanced_at.push_back(axes.size());
        axes.push_back({0, 0});
        advanced.push_back(std::move(offsets));
    }

    void indices(xt::xarray<std::int64_t> values, std::size_t item, std::size_t axis) {
        for (auto& v : values) v = position(v, item, axis) * strides[axis];
        slot(std::move(values));
    }

    /// A k-d mask over axes axis..axis+k: one slot per axis, holding the coordinates of the ones.
    void mask(const xt::xarray<bool>& m, std::size_t item, std::size_t axis) {
        for (std::size_t j = 0; j < m.dimension(); ++j)
            if (m.shape()[j] != shape[axis + j])
                throw IndexError(std::string(op) + ": the mask of shape " +
                                 shape_str(Shape(m.shape().begin(), m.shape().end())) +
                                 " does not match the tensor " + shape_str(shape) + " at axis " +
                                 std::to_string(axis + j) + " (item " + std::to_string(item) +
                                 " of the index; expected the sizes of the axes it covers)");
        const auto count = static_cast<std::size_t>(std::count(m.begin(), m.end(), true));
        std::vector<xt::xarray<std::int64_t>> coords(m.dimension(),
                                                     xt::xarray<std::int64_t>::from_shape({count}));
        std::size_t k = 0;
        for (std::size_t flat = 0; flat < m.size(); ++flat) {
            if (!m.data()[flat]) continue;
            std::size_t rest = flat;
            for (std::size_t j = m.dimension(); j-- > 0;) {
                coords[j](k) = static_cast<std::int64_t>(rest % m.shape()[j]) * strides[axis + j];
                rest /= m.shape()[j];
            }
            ++k;
        }
        for (auto& c : coords) slot(std::move(c));
    }
};

xt::xarray<std::int64_t> integers_of(const char* op, const Tensor& t, std::size_t item) {
    if (!t.defined())
        throw ValueError(std::string(op) + ": item " + std::to_string(item) +
                         " of the index is an undefined tensor");
    xt::xarray<std::int64_t> r = xt::xarray<std::int64_t>::from_shape(t.shape());
    const auto values = t.to_vector();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!(std::floor(values[i]) == values[i]))
            throw IndexError(std::string(op) + ": indices must hold integer values, got " +
                             std::to_string(values[i]) + " in item " + std::to_string(item) +
                             " of the index");
        if (std::abs(values[i]) > 9e18)  // beyond int64: out of bounds for any axis
            throw IndexError(std::string(op) + ": index " + std::to_string(values[i]) +
                             " is out of bounds (item " + std::to_string(item) + " of the index)");
        r.data()[i] = static_cast<std::int64_t>(values[i]);
    }
    return r;
}

xt::xarray<bool> mask_of(const char* op, const TensorIndex& index, std::size_t item) {
    if (index.bool_array()) return *index.bool_array();
    const Tensor& t = index.tensor();
    if (!t.defined())
        throw ValueError(std::string(op) + ": item " + std::to_string(item) +
                         " of the index is an undefined tensor");
    xt::xarray<bool> r = xt::xarray<bool>::from_shape(t.shape());
    const auto values = t.to_vector();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] != 0.0 && values[i] != 1.0)
            throw ValueError(std::string(op) + ": a mask holds 0 or 1, got " +
                             std::to_string(values[i]) + " in item " + std::to_string(item) +
                             " of the index");
        r.data()[i] = values[i] == 1.0;
    }
    return r;
}

/// How many of x's axes the items consume (PyTorch's count_specified_dimensions).
std::size_t consumed_axes(const std::vector<TensorIndex>& items) {
    std::size_t count = 0;
    for (const auto& index : items) {
        if (index.kind() == Kind::Mask)
            count += index.bool_array()         ? index.bool_array()->dimension()
                     : index.tensor().defined() ? index.tensor().dim()
                                                : 0;
        else if (index.kind() != Kind::None && index.kind() != Kind::Ellipsis)
            ++count;
    }
    return count;
}

/// The map of the levels, row-major: base + the sum of every level's offset.
IndexMap fill(std::int64_t base, const std::vector<Level>& levels, std::size_t total) {
    auto map = new_index_map(total);
    if (total == 0) return map;
    if (levels.empty()) {
        (*map)[0] = base;
        return map;
    }
    const std::size_t inner = levels.size() - 1;
    std::vector<std::size_t> position(inner, 0);
    for (std::size_t k = 0;;) {
        std::int64_t offset = base;
        for (std::size_t l = 0; l < inner; ++l) offset += levels[l].offset(position[l]);
        for (std::size_t i = 0; i < levels[inner].size; ++i)
            (*map)[k++] = offset + levels[inner].offset(i);
        std::size_t l = inner;
        while (l > 0 && ++position[l - 1] == levels[l - 1].size) position[--l] = 0;
        if (l == 0) return map;
    }
}
}  // namespace

IndexPlan plan_index(const char* op, const Shape& x_shape,
                     const std::vector<indexing::TensorIndex>& items) {
    const std::size_t ndim = x_shape.size();
    const std::size_t consumed = consumed_axes(items);
    if (consumed > ndim)
        throw IndexError(std::string(op) + ": too many indices for a tensor of dimension " +
                         std::to_string(ndim) + " (" + std::to_string(consumed) +
                         " axes indexed, tensor " + shape_str(x_shape) + ")");
    Planner p(op, x_shape);

    std::size_t axis = 0;
    bool ellipsis_seen = false;
    for (std::size_t item = 0; item < items.size(); ++item) {
        const TensorIndex& index = items[item];
        switch (index.kind()) {
            case Kind::Integer:
                p.integer(index.integer(), item, axis++);
                break;
            case Kind::Slice:
                p.slice(index.slice(), item, axis++);
                break;
            case Kind::None:
                p.axes.push_back({1, 0});
                break;
            case Kind::Ellipsis:
                // As PyTorch: the first ellipsis takes the axes no item names, a later one none.
                if (!ellipsis_seen)
                    for (std::size_t k = 0; k < ndim - consumed; ++k) p.full(axis++);
                ellipsis_seen = true;
                break;
            case Kind::Indices: {
                xt::xarray<std::int64_t> values = index.index_array()
                                                      ? *index.index_array()
                                                      : integers_of(op, index.tensor(), item);
                if (values.dimension() == 0)  // a 0-d index is an integer, as in PyTorch
                    p.integer(values(), item, axis++);
                else
                    p.indices(std::move(values), item, axis++);
                break;
            }
            case Kind::Mask: {
                const xt::xarray<bool> m = mask_of(op, index, item);
                if (m.dimension() == 0) {  // x[True]: a new axis, indexed by [0] (or by [])
                    p.slot(xt::zeros<std::int64_t>({m() ? 1u : 0u}));
                } else {
                    p.mask(m, item, axis);
                    axis += m.dimension();
                }
                break;
            }
        }
    }
    while (axis < ndim) p.full(axis++);

    std::vector<Level> levels;
    Shape shape;
    std::vector<std::int64_t> table;
    std::size_t block_at = 0;  // where the advanced axes go among the levels
    Shape block;
    if (!p.advanced.empty()) {
        for (const auto& a : p.advanced) {
            const Shape s(a.shape().begin(), a.shape().end());
            try {
                block = broadcast_shapes(op, block, s);
            } catch (const ShapeError&) {
                throw IndexError(std::string(op) +
                                 ": the index arrays do not broadcast together (" +
                                 shape_str(block) + " and " + shape_str(s) + ")");
            }
        }
        xt::xarray<std::int64_t> sum = xt::zeros<std::int64_t>(block);
        for (const auto& a : p.advanced) sum += xt::broadcast(a, block);
        table.assign(sum.begin(), sum.end());
        const bool adjacent = p.advanced_at.back() - p.advanced_at.front() + 1 == p.advanced.size();
        block_at = adjacent ? p.advanced_at.front() : 0;
    }
    std::size_t total = 1;
    for (std::size_t i = 0; i <= p.axes.size(); ++i) {
        if (!p.advanced.empty() && i == block_at) {
            levels.push_back({table.size(), 0, &table});
            shape.insert(shape.end(), block.begin(), block.end());
            total *= table.size();
        }
        if (i == p.axes.size()) break;
        const bool is_slot =
            std::find(p.advanced_at.begin(), p.advanced_at.end(), i) != p.advanced_at.end();
        if (is_slot) continue;
        levels.push_back(p.axes[i]);
        shape.push_back(p.axes[i].size);
        total *= p.axes[i].size;
    }
    return {fill(p.base, levels, total), shape};
}

}  // namespace xgrad::detail

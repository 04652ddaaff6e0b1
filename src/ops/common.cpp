#include "ops/common.hpp"

namespace xgrad {

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
    const std::size_t n = std::max(a.size(), b.size());
    Shape result(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
        const std::size_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ShapeError(std::string(op) + ": shapes " + shape_str(a) + " and " + shape_str(b) +
                             " do not broadcast (axis " + std::to_string(i) + ": " +
                             std::to_string(da) + " vs " + std::to_string(db) +
                             "; expected equal sizes or 1)");
        result[i] = da == 1 ? db : da;
    }
    return result;
}

}  // namespace xgrad

namespace xgrad::detail {

std::size_t normalize_axis(const char* op, std::ptrdiff_t axis, std::size_t ndim) {
    const auto n = static_cast<std::ptrdiff_t>(ndim);
    if (axis < -n || axis >= n || n == 0)
        throw IndexError(std::string(op) + ": axis " + std::to_string(axis) +
                         " is out of range for a tensor with " + std::to_string(ndim) +
                         " dimensions (expected -" + std::to_string(ndim) + " <= axis < " +
                         std::to_string(ndim) + ")");
    return static_cast<std::size_t>(axis < 0 ? axis + n : axis);
}

std::size_t product(const Shape& shape, std::size_t begin, std::size_t end) {
    std::size_t p = 1;
    for (std::size_t i = begin; i < end; ++i) p *= shape[i];
    return p;
}

}  // namespace xgrad::detail

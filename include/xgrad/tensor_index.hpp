#pragma once
/// \file tensor_index.hpp
/// The index items of Tensor::index(), as libtorch's torch::indexing spells them:
/// `x.index({Slice(0, 2), 1, None, Ellipsis, Indices(i), Mask(m)})`.
///
/// xgrad has no integer or boolean dtype, so an index tensor says what it holds: Indices(t) is a
/// tensor of integer values (as argmax returns them), Mask(t) a tensor of 0/1 values (as the
/// comparisons return them; any other value is a ValueError). A Tensor is not an index by itself,
/// so that libtorch's `x.index({x > 0})` fails to compile instead of reading the 0/1 of a mask as
/// the positions 0 and 1. An IndexArray (int64) is integer indices and an xt::xarray<bool> a mask
/// without a wrapper. The ops that use these items are documented in ops/indexing.hpp.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <xtensor/xarray.hpp>

#include "xgrad/error.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::indexing {

/// A new axis of size 1 (torch::indexing::None, Python's None).
inline constexpr std::nullopt_t None = std::nullopt;

/// The type of Ellipsis.
struct EllipsisIndexType {
    explicit constexpr EllipsisIndexType() = default;
};
/// As many full slices as the other items leave axes (Python's `...`).
inline constexpr EllipsisIndexType Ellipsis{};

/// Python's start:stop:step. A missing bound is the axis's start or end; negative bounds count
/// from the end and are clipped to the axis; the step must be positive (else a ValueError).
class Slice {
public:
    /// `Slice()` is `:`, `Slice(1)` is `1:`, `Slice(None, -1)` is `:-1`, `Slice(0, 8, 2)` is
    /// `0:8:2`.
    Slice(std::optional<std::int64_t> start = None, std::optional<std::int64_t> stop = None,
          std::optional<std::int64_t> step = None)
        : start_(start), stop_(stop), step_(step) {}
    /// The start as given (nullopt where omitted).
    const std::optional<std::int64_t>& start() const { return start_; }
    /// The stop as given (nullopt where omitted).
    const std::optional<std::int64_t>& stop() const { return stop_; }
    /// The step as given (nullopt where omitted: 1).
    const std::optional<std::int64_t>& step() const { return step_; }

private:
    std::optional<std::int64_t> start_, stop_, step_;
};

/// A tensor of integer values used as advanced indices (the values are checked when indexing).
struct Indices {
    explicit Indices(Tensor positions) : tensor(std::move(positions)) {}
    Tensor tensor;  ///< integer values, any shape
};

/// A tensor of 0/1 values used as a boolean mask over as many axes as it has.
struct Mask {
    explicit Mask(Tensor values) : tensor(std::move(values)) {}
    Tensor tensor;  ///< 0 or 1 everywhere
};

/// One item of an index: an integer, a Slice, None, Ellipsis, integer indices or a mask.
class TensorIndex {
public:
    /// What the item is.
    enum class Kind { Integer, Slice, None, Ellipsis, Indices, Mask };

    /// A new axis (None).
    TensorIndex(std::nullopt_t) : kind_(Kind::None) {}  // NOLINT: implicit by design
    /// Ellipsis.
    TensorIndex(EllipsisIndexType) : kind_(Kind::Ellipsis) {}  // NOLINT
    /// "..." is Ellipsis (libtorch accepts the string too); any other string is a ValueError.
    TensorIndex(const char* text) : kind_(Kind::Ellipsis) {  // NOLINT
        if (std::string(text) != "...")
            throw ValueError("index: the only string index is \"...\", got \"" + std::string(text) +
                             "\"");
    }
    /// An integer picks one entry and removes the axis; negative counts from the end.
    template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
    TensorIndex(I integer)  // NOLINT
        : kind_(Kind::Integer), integer_(static_cast<std::int64_t>(integer)) {}
    /// true / false: a 0-d mask, a new axis of size 1 / 0 (Python's x[True]).
    TensorIndex(bool flag)  // NOLINT
        : kind_(Kind::Mask), mask_(std::make_shared<const xt::xarray<bool>>(flag)) {}
    /// A slice of one axis.
    TensorIndex(Slice slice) : kind_(Kind::Slice), slice_(std::move(slice)) {}  // NOLINT
    /// Integer indices.
    TensorIndex(xt::xarray<std::int64_t> indices)  // NOLINT
        : kind_(Kind::Indices),
          indices_(std::make_shared<const xt::xarray<std::int64_t>>(std::move(indices))) {}
    /// Integer indices held by a tensor.
    TensorIndex(Indices indices)  // NOLINT
        : kind_(Kind::Indices), tensor_(std::move(indices.tensor)) {}
    /// A boolean mask.
    TensorIndex(xt::xarray<bool> mask)  // NOLINT
        : kind_(Kind::Mask), mask_(std::make_shared<const xt::xarray<bool>>(std::move(mask))) {}
    /// A 0/1 mask held by a tensor.
    TensorIndex(Mask mask) : kind_(Kind::Mask), tensor_(std::move(mask.tensor)) {}  // NOLINT

    /// The kind of item.
    Kind kind() const { return kind_; }
    /// The integer of Kind::Integer.
    std::int64_t integer() const { return integer_; }
    /// The slice of Kind::Slice.
    const indexing::Slice& slice() const { return slice_; }
    /// Kind::Indices or Kind::Mask given as a Tensor (else undefined).
    const Tensor& tensor() const { return tensor_; }
    /// Kind::Indices given as an IndexArray (else null).
    const std::shared_ptr<const xt::xarray<std::int64_t>>& index_array() const { return indices_; }
    /// Kind::Mask given as a bool array or a bool (else null).
    const std::shared_ptr<const xt::xarray<bool>>& bool_array() const { return mask_; }

private:
    Kind kind_;
    std::int64_t integer_ = 0;
    indexing::Slice slice_;
    Tensor tensor_;
    std::shared_ptr<const xt::xarray<std::int64_t>> indices_;
    std::shared_ptr<const xt::xarray<bool>> mask_;
};

}  // namespace xgrad::indexing

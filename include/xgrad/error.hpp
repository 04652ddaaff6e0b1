#pragma once
/// \file error.hpp
/// The exception hierarchy of xgrad. Every error derives from xgrad::Error and from the standard
/// exception that fits it, so callers can catch either: `catch (const xgrad::ShapeError&)`,
/// `catch (const xgrad::Error&)` or `catch (const std::invalid_argument&)`.

#include <stdexcept>
#include <string>

namespace xgrad {

/// Root of every exception xgrad throws. `what()` names the op or file, the shapes or offsets,
/// and what was expected.
class Error {
public:
    virtual ~Error() = default;
    virtual const char* what() const noexcept = 0;
};

namespace detail {
/// Joins a standard exception with xgrad::Error; `what()` resolves to the standard one.
template <class StdBase>
class ErrorOf : public StdBase, public Error {
public:
    explicit ErrorOf(const std::string& message) : StdBase(message) {}
    const char* what() const noexcept override { return StdBase::what(); }
};
}  // namespace detail

/// Shapes that do not fit the op (broadcasting, matmul inner sizes, reshape element counts).
class ShapeError : public detail::ErrorOf<std::invalid_argument> {
    using ErrorOf::ErrorOf;
};
/// float32 mixed with float64, or a value read with the wrong element type.
class DTypeError : public detail::ErrorOf<std::invalid_argument> {
    using ErrorOf::ErrorOf;
};
/// An axis or index outside its range.
class IndexError : public detail::ErrorOf<std::out_of_range> {
    using ErrorOf::ErrorOf;
};
/// A bad argument value: a negative learning rate, a non-scalar passed to item(), ...
class ValueError : public detail::ErrorOf<std::invalid_argument> {
    using ErrorOf::ErrorOf;
};
/// Misuse of the graph: backward on a tensor that does not require grad, backward through a
/// released graph, a non-finite value found by anomaly mode.
class GraphError : public detail::ErrorOf<std::runtime_error> {
    using ErrorOf::ErrorOf;
};
/// A NaN or Inf where a finite value is required: an optimizer step told to raise on a
/// non-finite gradient (Optimizer::set_nonfinite_policy).
class NonFiniteError : public detail::ErrorOf<std::runtime_error> {
    using ErrorOf::ErrorOf;
};
/// A malformed file: wrong magic number, truncated data, inconsistent header.
class FormatError : public detail::ErrorOf<std::runtime_error> {
    using ErrorOf::ErrorOf;
};
/// The operating system refused a file operation.
class IOError : public detail::ErrorOf<std::runtime_error> {
    using ErrorOf::ErrorOf;
};

}  // namespace xgrad

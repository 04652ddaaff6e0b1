#pragma once
/// \file state_fields.hpp
/// The one way xgrad's stateful objects (optimizers, their states, learning-rate schedules) turn
/// their fields into a StateDict and back: each object lists its fields once, in a `visit`
/// function that calls `fn(name, field)` for every field, and the same list serves saving
/// (FieldSaver) and loading (FieldLoader).
///
///     template <class Self, class Fn>
///     static void visit(Self& self, Fn&& fn) {
///         fn("lr", self.lr);
///         fn("betas.0", self.betas[0]);
///         fn("step", self.step);
///     }
///
/// Numbers are written with format_exact() (state_dict.hpp) and read back bit for bit.

#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/dtype.hpp"
#include "xgrad/state_dict.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad {

/// An object with a state dict of its own, visited as one nested field (the schedules of a
/// SequentialLR).
class Stateful {
public:
    virtual ~Stateful() = default;
    /// A snapshot of the object's state.
    virtual StateDict state_dict() const = 0;
    /// Restores a state_dict(); a bad state is a ValueError and changes nothing.
    virtual void load_state_dict(const StateDict& state) = 0;
};

/// What a `visit` function may hand to its visitor. Objects whose visit is virtual (the
/// schedules) take this interface; objects with a static template visit take FieldSaver or
/// FieldLoader directly.
class FieldVisitor {
public:
    virtual ~FieldVisitor() = default;
    virtual void operator()(const char* name, double& value) = 0;
    virtual void operator()(const char* name, bool& value) = 0;
    virtual void operator()(const char* name, int& value) = 0;
    virtual void operator()(const char* name, std::int64_t& value) = 0;
    /// Free text (an enum's name, e.g. "cos").
    virtual void operator()(const char* name, std::string& value) = 0;
    /// One entry "<name>.<i>" per element; loading expects exactly value.size() entries.
    virtual void operator()(const char* name, std::vector<double>& value) = 0;
    /// One entry "30,80".
    virtual void operator()(const char* name, std::vector<int>& value) = 0;
    /// A tensor entry; an undefined tensor is not saved, and a missing one loads as undefined.
    virtual void operator()(const char* name, Tensor& value) = 0;
    /// An object's own state dict, nested under "<name>.".
    virtual void operator()(const char* name, Stateful& value) = 0;
};

/// Writes every visited field into `out` under `prefix`; changes nothing it visits.
class FieldSaver final : public FieldVisitor {
public:
    FieldSaver(StateDict& out, std::string prefix) : out_(out), prefix_(std::move(prefix)) {}
    void operator()(const char* name, double& value) override;
    void operator()(const char* name, bool& value) override;
    void operator()(const char* name, int& value) override;
    void operator()(const char* name, std::int64_t& value) override;
    void operator()(const char* name, std::string& value) override;
    void operator()(const char* name, std::vector<double>& value) override;
    void operator()(const char* name, std::vector<int>& value) override;
    void operator()(const char* name, Tensor& value) override;
    void operator()(const char* name, Stateful& value) override;

    /// The const fields of a `const` object, saved through the same overloads.
    template <class Field>
    void operator()(const char* name, const Field& value) {
        Field copy = value;
        (*this)(name, copy);
    }

private:
    StateDict& out_;
    std::string prefix_;
};

/// Reads every visited field from `in` under `prefix`. Every entry but a tensor is required;
/// a missing or malformed one is a ValueError naming `owner` (the optimizer or schedule) and
/// the entry. Tensors must have `like`'s shape (when given) and are converted to its dtype.
class FieldLoader final : public FieldVisitor {
public:
    FieldLoader(const StateDict& in, std::string prefix, const char* owner,
                const Tensor* like = nullptr)
        : in_(in), prefix_(std::move(prefix)), owner_(owner), like_(like) {}
    void operator()(const char* name, double& value) override;
    void operator()(const char* name, bool& value) override;
    void operator()(const char* name, int& value) override;
    void operator()(const char* name, std::int64_t& value) override;
    void operator()(const char* name, std::string& value) override;
    void operator()(const char* name, std::vector<double>& value) override;
    void operator()(const char* name, std::vector<int>& value) override;
    void operator()(const char* name, Tensor& value) override;
    void operator()(const char* name, Stateful& value) override;

private:
    const std::string& entry(const std::string& key) const;
    const StateDict& in_;
    std::string prefix_;
    const char* owner_;
    const Tensor* like_;
};

namespace detail {
/// metadata[key], or ValueError "<owner>.load_state_dict: missing entry '<key>'".
const std::string& required_entry(const StateDict& state, const std::string& key,
                                  const char* owner);
/// Whether any tensor or metadata entry starts with `prefix`.
bool has_prefix(const StateDict& state, const std::string& prefix);
/// A deep copy of `source`'s value with element type `dtype`, as a leaf without grad.
Tensor copy_as(const Tensor& source, DType dtype);
}  // namespace detail

}  // namespace xgrad

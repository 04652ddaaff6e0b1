#include "xgrad/tensor.hpp"

#include <ostream>
#include <sstream>
#include <xtensor/xio.hpp>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"

namespace xgrad {

std::string shape_str(const Shape& shape) {
    std::ostringstream out;
    out << '(';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << (shape.size() == 1 ? ",)" : ")");
    return out.str();
}

const char* dtype_name(DType dtype) { return dtype == DType::Float64 ? "float64" : "float32"; }

Array converted(const Array& value, DType dtype) {
    return dispatch(dtype, [&](auto tag) -> Array {
        using T = decltype(tag);
        return std::visit([](const auto& a) { return Array(xt::xarray<T>(xt::cast<T>(a))); },
                          value);
    });
}

namespace {
/// An array's values as the options' dtype, when they set one.
Array as_dtype(Array value, const TensorOptions& options) {
    const DType current = value.index() == 1 ? DType::Float64 : DType::Float32;
    if (options.dtype_or(current) == current) return value;
    return converted(value, *options.dtype());
}

Array from_list(std::initializer_list<detail::ListValue> values, DType dtype) {
    return dispatch(dtype, [&](auto tag) -> Array {
        using T = decltype(tag);
        xt::xarray<T> a = xt::empty<T>(Shape{values.size()});
        std::size_t i = 0;
        for (const auto& v : values) a(i++) = static_cast<T>(v.value);
        return a;
    });
}

template <std::size_t N>
Array from_nested(xt::nested_initializer_list_t<double, N> values, DType dtype) {
    xt::xarray<double> as_double = values;
    if (dtype == DType::Float64) return Array(std::move(as_double));
    return Array(xt::xarray<float>(xt::cast<float>(as_double)));
}

Node& checked(const std::shared_ptr<Node>& node, const char* what) {
    if (!node) throw ValueError(std::string("Tensor::") + what + ": the tensor is undefined");
    return *node;
}
}  // namespace

Tensor::Tensor(std::shared_ptr<Node> node) : node_(std::move(node)) {}

std::shared_ptr<Node> detail::scalar_node(double value, DType dtype, bool requires_grad) {
    return make_leaf(from_nested<0>(value, dtype), requires_grad).node();
}

Tensor::Tensor(std::initializer_list<detail::ListValue> values, const TensorOptions& options)
    : Tensor(make_leaf(from_list(values, options.dtype_or(DType::Float32)),
                       options.requires_grad())) {}
Tensor::Tensor(xt::nested_initializer_list_t<double, 2> values, const TensorOptions& options)
    : Tensor(make_leaf(from_nested<2>(values, options.dtype_or(DType::Float32)),
                       options.requires_grad())) {}
Tensor::Tensor(xt::nested_initializer_list_t<double, 3> values, const TensorOptions& options)
    : Tensor(make_leaf(from_nested<3>(values, options.dtype_or(DType::Float32)),
                       options.requires_grad())) {}
Tensor::Tensor(xt::nested_initializer_list_t<double, 4> values, const TensorOptions& options)
    : Tensor(make_leaf(from_nested<4>(values, options.dtype_or(DType::Float32)),
                       options.requires_grad())) {}
Tensor::Tensor(xt::xarray<float> values, const TensorOptions& options)
    : Tensor(make_leaf(as_dtype(Array(std::move(values)), options), options.requires_grad())) {}
Tensor::Tensor(xt::xarray<double> values, const TensorOptions& options)
    : Tensor(make_leaf(as_dtype(Array(std::move(values)), options), options.requires_grad())) {}

Tensor::Tensor(std::initializer_list<detail::ListValue> values, DType dtype, bool requires_grad)
    : Tensor(values, TensorOptions(dtype).requires_grad(requires_grad)) {}
Tensor::Tensor(xt::nested_initializer_list_t<double, 2> values, DType dtype, bool requires_grad)
    : Tensor(values, TensorOptions(dtype).requires_grad(requires_grad)) {}
Tensor::Tensor(xt::nested_initializer_list_t<double, 3> values, DType dtype, bool requires_grad)
    : Tensor(values, TensorOptions(dtype).requires_grad(requires_grad)) {}
Tensor::Tensor(xt::nested_initializer_list_t<double, 4> values, DType dtype, bool requires_grad)
    : Tensor(values, TensorOptions(dtype).requires_grad(requires_grad)) {}
Tensor::Tensor(xt::xarray<float> values, bool requires_grad)
    : Tensor(std::move(values), TensorOptions().requires_grad(requires_grad)) {}
Tensor::Tensor(xt::xarray<double> values, bool requires_grad)
    : Tensor(std::move(values), TensorOptions().requires_grad(requires_grad)) {}

DType Tensor::dtype() const {
    return checked(node_, "dtype").value.index() == 1 ? DType::Float64 : DType::Float32;
}

const Shape& Tensor::shape() const {
    return std::visit([](const auto& a) -> const Shape& { return a.shape(); },
                      checked(node_, "shape").value);
}

std::size_t Tensor::numel() const {
    return std::visit([](const auto& a) { return a.size(); }, checked(node_, "numel").value);
}

std::size_t Tensor::size(std::ptrdiff_t axis) const {
    const auto& s = shape();
    const auto n = static_cast<std::ptrdiff_t>(s.size());
    if (axis < -n || axis >= n)
        throw IndexError("Tensor::size: axis " + std::to_string(axis) +
                         " is out of range for shape " + shape_str(s));
    return s[static_cast<std::size_t>(axis < 0 ? axis + n : axis)];
}

template <class T>
xt::xarray<T>& Tensor::value() {
    auto* array = std::get_if<xt::xarray<T>>(&checked(node_, "value").value);
    if (!array)
        throw DTypeError(std::string("Tensor::value: requested ") + dtype_name(dtype_of<T>()) +
                         " but the tensor holds " + dtype_name(dtype()));
    return *array;
}

template <class T>
const xt::xarray<T>& Tensor::value() const {
    return const_cast<Tensor*>(this)->value<T>();
}

template xt::xarray<float>& Tensor::value<float>();
template xt::xarray<double>& Tensor::value<double>();
template const xt::xarray<float>& Tensor::value<float>() const;
template const xt::xarray<double>& Tensor::value<double>() const;

double Tensor::item() const {
    if (numel() != 1)
        throw ValueError("Tensor::item: expected a tensor with one element, got shape " +
                         shape_str(shape()));
    return std::visit([](const auto& a) { return static_cast<double>(*a.data()); }, node_->value);
}

std::vector<double> Tensor::to_vector() const {
    return std::visit([](const auto& a) { return std::vector<double>(a.begin(), a.end()); },
                      checked(node_, "to_vector").value);
}

bool Tensor::requires_grad() const { return checked(node_, "requires_grad").requires_grad; }

Tensor& Tensor::requires_grad_(bool requires_grad) {
    if (!is_leaf())
        throw GraphError(
            std::string("Tensor::requires_grad_: only leaves can change requires_grad; "
                        "this tensor was produced by '") +
            node_->op + "' (use detach() first)");
    node_->requires_grad = requires_grad;
    return *this;
}

bool Tensor::is_leaf() const {
    const Node& node = checked(node_, "is_leaf");
    return !node.backward && !node.released;
}

HookHandle Tensor::register_hook(GradHook hook) const {
    Node& node = checked(node_, "register_hook");
    if (!node.requires_grad)
        throw GraphError(std::string("Tensor::register_hook: the tensor (op '") + node.op +
                         "', shape " + shape_str(shape()) +
                         ") does not require grad, so no gradient will reach a hook");
    if (!hook) throw ValueError("Tensor::register_hook: the hook is empty");
    if (!node.hooks) node.hooks = std::make_shared<detail::HookList<GradHook>>();
    const std::size_t id = node.hooks->add(std::move(hook));
    return HookHandle(node.hooks, id);
}

Tensor Tensor::grad() const { return Tensor(checked(node_, "grad").grad); }

void Tensor::set_grad(const Tensor& grad) const {
    Node& node = checked(node_, "set_grad");
    if (grad.defined() && (grad.shape() != shape() || grad.dtype() != dtype()))
        throw ShapeError("Tensor::set_grad: expected a gradient of shape " + shape_str(shape()) +
                         " and dtype " + dtype_name(dtype()) + ", got " + shape_str(grad.shape()) +
                         " " + dtype_name(grad.dtype()));
    node.grad = grad.node();
}

void Tensor::zero_grad() const { checked(node_, "zero_grad").grad.reset(); }

const char* Tensor::op_name() const { return checked(node_, "op_name").op; }

std::vector<Tensor> Tensor::inputs() const { return checked(node_, "inputs").inputs; }

Tensor Tensor::detach() const { return make_leaf(checked(node_, "detach").value, false); }

Tensor Tensor::to(DType target) const {
    if (dtype() == target) return *this;
    const DType source = dtype();
    return make_op("to", converted(checked(node_, "to").value, target), {*this},
                   [source](const Tensor& g, const Tensor&, const std::vector<Tensor>&) {
                       return std::vector<Tensor>{g.to(source)};
                   });
}

Tensor Tensor::clone() const { return make_leaf(checked(node_, "clone").value, requires_grad()); }

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) {
    if (!tensor.defined()) return out << "Tensor(undefined)";
    out << "Tensor(shape=" << shape_str(tensor.shape()) << ", dtype=" << dtype_name(tensor.dtype());
    if (tensor.requires_grad()) out << ", requires_grad";
    out << ")\n";
    std::visit([&](const auto& a) { out << a; }, array_of(tensor));
    return out;
}

}  // namespace xgrad

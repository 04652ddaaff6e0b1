// One test per kind of xgrad error: its type, the standard exception it also is, and a message
// that names the op or file, the shapes or offsets, and what was expected. Then a sweep of misuses
// that must raise an xgrad::Error, never an exception leaking from xtensor or the standard library.
#include <cstring>
#include <functional>

#include "helpers.hpp"
#include "xgrad/data.hpp"
#include "xgrad/io.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim.hpp"

using namespace xgrad;
using xgrad::testing::uniform;

namespace {

/// Runs `statement`, requires it to throw E, and every fragment to be in the message.
template <class E>
void check_error(const std::function<void()>& statement,
                 const std::vector<std::string>& fragments) {
    try {
        statement();
        BOOST_ERROR("no exception; expected one mentioning '" << fragments.front() << "'");
    } catch (const E& error) {
        const std::string message = error.what();
        BOOST_TEST(dynamic_cast<const Error*>(&error) != nullptr);
        for (const auto& fragment : fragments)
            BOOST_TEST(message.find(fragment) != std::string::npos,
                       "'" << fragment << "' not in: " << message);
    }
}

/// A safetensors file whose one entry claims more bytes than the file has.
std::string truncated_safetensors() {
    const std::string header = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
    std::string bytes(8, '\0');
    const std::uint64_t n = header.size();
    std::memcpy(bytes.data(), &n, 8);
    return bytes + header + std::string(12, '\0');
}

}  // namespace

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(shape_error_names_op_shapes_and_expectation) {
    const Tensor a = uniform({2, 3}, 1), b = uniform({4, 5}, 2);
    check_error<ShapeError>([&] { (void)maximum(a, b); },
                            {"maximum", "(2, 3)", "(4, 5)", "expected equal sizes or 1"});
    check_error<ShapeError>(
        [&] {
            (void)broadcast_to(a, {3, 3});
        },
        {"broadcast_to", "(2, 3)", "(3, 3)"});
    check_error<ShapeError>(
        [&] {
            (void)stack({a, b});
        },
        {"stack", "(4, 5)", "(2, 3)", "expected one shape"});
    check_error<ShapeError>(
        [&] {
            (void)gather(a, 1, IndexArray{0, 1});
        },
        {"gather", "1 dimensions", "(2, 3)", "expected the same"});
    check_error<ShapeError>([&] { (void)sum_to(a, {4}); },
                            {"sum_to", "(2, 3)", "(4,)", "expected"});
    check_error<ShapeError>(
        [&] {
            (void)matmul(uniform({2, 2, 3}, 3), uniform({3, 3, 4}, 4));
        },
        {"matmul", "batch sizes 2 and 3", "expected equal sizes or 1"});
    check_error<ShapeError>(
        [&] {
            (void)nn::mse_loss(a, uniform({3, 2}, 5));
        },
        {"(2, 3)", "(3, 2)"});
    BOOST_CHECK_THROW((void)maximum(a, b), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(dtype_error_names_op_and_both_dtypes) {
    const Tensor a = uniform({2, 3}, 1), f = a.to(DType::Float32);
    check_error<DTypeError>(
        [&] { (void)where(a, a, f); },
        {"where", "float64 (2, 3)", "float32 (2, 3)", "expected inputs of one dtype"});
    check_error<DTypeError>([&] { (void)concat({a, f}); }, {"concat", "float32"});
    check_error<DTypeError>([&] { (void)a.value<float>(); }, {"float32", "float64"});
    check_error<DTypeError>([&] { a.backward(ones({2, 3})); }, {"float32", "float64"});
    BOOST_CHECK_THROW((void)where(a, a, f), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(index_error_names_axis_index_and_range) {
    const Tensor a = uniform({2, 3}, 1);
    check_error<IndexError>([&] { (void)softmax(a, 2); },
                            {"softmax", "axis 2", "2 dimensions", "expected -2 <= axis < 2"});
    check_error<IndexError>([&] { (void)index_select(a, 1, {-4}); },
                            {"index_select", "index -4", "(2, 3)", "expected -3 <= index < 3"});
    check_error<IndexError>(
        [&] {
            (void)gather(a, 1, IndexArray{{0, 3}});
        },
        {"gather", "index 3", "axis 1", "size 3"});
    check_error<IndexError>([&] { (void)a.size(-3); }, {"size", "axis -3", "(2, 3)"});
    Tensor w = uniform({2}, 2);
    optim::SGD sgd({w}, {0.1});
    check_error<IndexError>([&] { (void)sgd.lr(1); }, {"SGD", "group 1", "expected < 1"});
    check_error<IndexError>([&] { sgd.set_lr(3, 0.5); }, {"SGD", "group 3"});
    check_error<IndexError>([&] { (void)sgd.state(1); }, {"SGD", "parameter 1", "expected < 1"});
    BOOST_CHECK_THROW((void)sgd.lr(1), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(value_error_names_the_argument_and_expectation) {
    const Tensor a = uniform({2, 3}, 1);
    check_error<ValueError>([&] { (void)slice(a, 0, 0, 2, 0); },
                            {"slice", "step", "positive", "0"});
    check_error<ValueError>([&] { (void)sum(a, {1, -1}); }, {"sum", "repeated"});
    check_error<ValueError>([&] { (void)max(zeros({0, 3})); }, {"max", "empty"});
    check_error<ValueError>(
        [&] {
            (void)max(zeros({2, 0}), 1);
        },
        {"max", "axis 1", "(2, 0)", "empty"});
    check_error<ValueError>([&] { (void)permute(a, {0}); },
                            {"permute", "(2, 3)", "expected one per dimension"});
    check_error<ValueError>([&] { (void)optim::SGD({uniform({2}, 3)}, {-0.1}); },
                            {"SGD", "lr", "-0.1", "expected >= 0"});
    check_error<ValueError>([&] { (void)a.item(); }, {"item", "(2, 3)"});
    BOOST_CHECK_THROW((void)a.item(), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(graph_error_names_the_op_and_the_remedy) {
    Tensor x = uniform({3}, 1);
    Tensor y = sum(exp(x));
    y.backward();
    check_error<GraphError>([&] { y.backward(); }, {"second time", "'sum'", "retain_graph=true"});
    check_error<GraphError>([&] { sum(uniform({2}, 2, -1, 1, false)).backward(); },
                            {"does not require grad"});
    check_error<GraphError>([&] { (void)grad({sum(x * 2.0)}, {uniform({4}, 3)}); },
                            {"grad", "input 0", "(4,)", "allow_unused=true"});
    const DetectAnomalyGuard anomaly;
    check_error<GraphError>([&] { (void)log(x - 5.0); }, {"anomaly", "'log'", "forward", "(3,)"});
    BOOST_CHECK_THROW(y.backward(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(format_error_names_the_file_the_entry_and_the_offsets) {
    const std::string bytes = truncated_safetensors();
    check_error<FormatError>(
        [&] {
            (void)io::parse_safetensors(reinterpret_cast<const unsigned char*>(bytes.data()),
                                        bytes.size(), "model.safetensors");
        },
        {"model.safetensors", "'w'", "data_offsets [0, 16)", "12 bytes"});
    check_error<FormatError>(
        [&] {
            (void)io::parse_safetensors(reinterpret_cast<const unsigned char*>("abc"), 3,
                                        "tiny.bin");
        },
        {"tiny.bin", "8"});
}

BOOST_AUTO_TEST_CASE(io_error_names_the_path) {
    check_error<IOError>([] { (void)io::load_safetensors("/nonexistent/dir/model.safetensors"); },
                         {"/nonexistent/dir/model.safetensors"});
    check_error<IOError>([] { (void)data::read_idx("/nonexistent/images-idx3-ubyte"); },
                         {"/nonexistent/images-idx3-ubyte"});
    BOOST_CHECK_THROW((void)io::load_safetensors("/nonexistent/x"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(non_finite_error_names_the_parameter_and_the_value) {
    Tensor w = uniform({2, 2}, 1), b = uniform({3}, 2);
    optim::SGD sgd({optim::ParamGroup<optim::SGDOptions>({w}, {0.1}),
                    optim::ParamGroup<optim::SGDOptions>({b}, {0.1})});
    sgd.set_nonfinite_policy(optim::NonFinitePolicy::raise);
    w.set_grad(zeros({2, 2}, DType::Float64));
    b.set_grad(
        Tensor({0.0, std::numeric_limits<double>::infinity(), std::nan("")}, DType::Float64));
    check_error<NonFiniteError>([&] { sgd.step(); },
                                {"SGD.step", "parameter 1", "group 1, index 0", "(3,)",
                                 "2 non-finite values", "inf", "flat index 1", "expected finite"});
    BOOST_CHECK_THROW(sgd.step(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(misuse_raises_xgrad_errors_only) {
    // Each of these once could, or might, surface as an xtensor or standard-library exception.
    const Tensor a = uniform({2, 3}, 1), e = zeros({0, 3}, DType::Float64);
    Tensor w = uniform({2}, 2);
    optim::Adam adam({w});
    const std::vector<std::pair<const char*, std::function<void()>>> misuses = {
        {"reshape to a different count", [&] { (void)reshape(a, {7}); }},
        {"flatten backwards",
         [&] {
             (void)flatten(uniform({2, 3, 4}, 3), 2, 1);
         }},
        {"unsqueeze past the end", [&] { (void)unsqueeze(a, 4); }},
        {"transpose of a vector's axis 1", [&] { (void)transpose(uniform({3}, 4), 0, 1); }},
        {"permute with a repeat",
         [&] {
             (void)permute(a, {0, 0});
         }},
        {"where of non-broadcasting shapes", [&] { (void)where(a, a, uniform({4}, 5)); }},
        {"gt of non-broadcasting shapes", [&] { (void)gt(a, uniform({2}, 6)); }},
        {"pow of non-broadcasting shapes",
         [&] {
             (void)pow(a, uniform({4, 3}, 7));
         }},
        {"logsumexp over a repeated axis",
         [&] {
             (void)logsumexp(a, {0, 0});
         }},
        {"max of an empty tensor", [&] { (void)max(e); }},
        {"min along an empty axis", [&] { (void)min(e, 0); }},
        {"matmul of a 0-d tensor",
         [&] {
             (void)matmul(Tensor(1.0), zeros({3, 2}));
         }},
        {"linear of a scalar",
         [&] {
             (void)linear(Tensor(1.0), zeros({2, 1}));
         }},
        {"concat of nothing", [&] { (void)concat({}); }},
        {"concat of different ranks",
         [&] {
             (void)concat({a, uniform({3}, 8)});
         }},
        {"slice of a scalar", [&] { (void)slice(Tensor(1.0), 0, 0, 1); }},
        {"gather with a negative index",
         [&] {
             (void)gather(a, 0, IndexArray{{-1, 0, 0}});
         }},
        {"cross_entropy with too few labels",
         [&] { (void)nn::cross_entropy(a, std::vector<std::int64_t>{0}); }},
        {"nll_loss of a vector",
         [&] { (void)nn::nll_loss(uniform({3}, 9), std::vector<std::int64_t>{0}); }},
        {"backward with a wrong-shaped gradient",
         [&] {
             (a * 2.0).backward(ones({3, 2}, DType::Float64));
         }},
        {"value of an undefined tensor", [&] { (void)Tensor().value<float>(); }},
        {"shape of an undefined tensor", [&] { (void)Tensor().shape(); }},
        {"item of an empty tensor", [&] { (void)e.item(); }},
        {"optimizer group out of range", [&] { (void)adam.options(2); }},
        {"momentum of Adagrad", [&] { (void)optim::Adagrad({uniform({2}, 10)}).momentum(0); }},
        {"Linear of the wrong width",
         [&] {
             (void)nn::Linear(4, 2).forward(zeros({3, 5}));
         }},
        {"Sequential index out of range", [&] { (void)nn::Sequential().at(0); }},
    };
    for (const auto& [what, misuse] : misuses) {
        BOOST_TEST_CONTEXT(what) {
            try {
                misuse();
                BOOST_ERROR("no exception");
            } catch (const Error& error) {
                BOOST_TEST(std::strlen(error.what()) > 10u);
            } catch (const std::exception& other) {
                BOOST_ERROR("a non-xgrad exception escaped: " << other.what());
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

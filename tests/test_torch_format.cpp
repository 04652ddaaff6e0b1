// PyTorch state_dict files (xgrad/io/torch_state_dict.hpp) without Python: round trips, and
// malformed archives each rejected with a typed error. tests/torch/ checks against real torch.
#include <zip.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstring>

#include "helpers.hpp"
#include "xgrad/io.hpp"

using namespace xgrad;
using namespace std::string_literals;

namespace {

/// A zip archive of `entries` (name, contents), built with libzip independently of xgrad's
/// writer.
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& entries) {
    zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, nullptr);
    zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, nullptr);
    BOOST_REQUIRE(archive);
    zip_source_keep(target);
    for (const auto& [name, contents] : entries)
        zip_file_add(archive, name.c_str(),
                     zip_source_buffer(archive, contents.data(), contents.size(), 0), 0);
    BOOST_REQUIRE(zip_close(archive) == 0);
    zip_stat_t stat;
    zip_source_stat(target, &stat);
    std::string bytes(stat.size, '\0');
    zip_source_open(target);
    zip_source_read(target, bytes.data(), stat.size);
    zip_source_close(target);
    zip_source_free(target);
    return bytes;
}

StateDict parse(const std::string& bytes) {
    return io::parse_torch_state_dict(reinterpret_cast<const unsigned char*>(bytes.data()),
                                      bytes.size(), "test");
}

std::string k(int v) { return std::string{'K', static_cast<char>(v)}; }
std::string binint(std::uint32_t v) {
    std::string s = "J";
    s.append(reinterpret_cast<const char*>(&v), 4);
    return s;
}
std::string unicode(const std::string& text) {
    const auto n = static_cast<std::uint32_t>(text.size());
    return "X" + std::string(reinterpret_cast<const char*>(&n), 4) + text;
}
std::string long1(std::uint64_t v) {
    return "\x8a\x08" + std::string(reinterpret_cast<const char*>(&v), 8);
}
std::string ints(const std::vector<std::string>& values) {
    std::string s = "(";
    for (const auto& v : values) s += v;
    return s + "t";
}

/// data.pkl of {name: _rebuild_tensor_v2(storage 0 of `numel` elements of `storage_type`,
/// offset, sizes, strides)}, written opcode by opcode as torch.save does.
std::string tensor_pickle(const std::string& storage_type, std::uint32_t numel,
                          const std::string& offset, const std::vector<std::string>& sizes,
                          const std::vector<std::string>& strides, const std::string& name = "w") {
    return "\x80\x02"
           "ccollections\nOrderedDict\n)R(" +
           unicode(name) + "ctorch._utils\n_rebuild_tensor_v2\n((" + unicode("storage") +
           "ctorch\n" + storage_type + "\n" + unicode("0") + unicode("cpu") + binint(numel) + "tQ" +
           offset + ints(sizes) + ints(strides) +
           "\x89"
           "ccollections\nOrderedDict\n)RtRu.";
}

std::string archive(const std::string& pickle, const std::string& storage) {
    return zip_of(
        {{"archive/data.pkl", pickle}, {"archive/data/0", storage}, {"archive/version", "3\n"}});
}

/// Checks that `bytes` is rejected with a FormatError containing `fragment`.
void check_rejected(const std::string& bytes, const std::string& fragment) {
    try {
        parse(bytes);
        BOOST_ERROR("no FormatError; expected one saying '" << fragment << "'");
    } catch (const FormatError& e) {
        BOOST_TEST(std::string(e.what()).find(fragment) != std::string::npos, e.what());
    }
}

const std::string four_floats(16, '\0');

}  // namespace

BOOST_AUTO_TEST_SUITE(torch_format)

BOOST_AUTO_TEST_CASE(a_handwritten_archive_reads_with_offset_and_strides) {
    float values[6] = {0, 1, 2, 3, 4, 5};
    const std::string storage(reinterpret_cast<const char*>(values), sizeof values);
    // The transpose of the 2 x 2 block starting at element 1 of a 2 x 3 matrix: [[1, 4], [2, 5]].
    const StateDict state =
        parse(archive(tensor_pickle("FloatStorage", 6, k(1), {k(2), k(2)}, {k(1), k(3)}), storage));
    const Tensor& w = state.tensors.at("w");
    BOOST_TEST(w.dtype() == DType::Float32);
    BOOST_TEST(w.shape() == Shape({2, 2}), "");
    const auto& v = w.value<float>();
    BOOST_TEST(v(0, 0) == 1.0f);
    BOOST_TEST(v(0, 1) == 4.0f);
    BOOST_TEST(v(1, 0) == 2.0f);
    BOOST_TEST(v(1, 1) == 5.0f);
    BOOST_TEST(state.metadata.empty());
}

BOOST_AUTO_TEST_CASE(save_and_load_round_trip_bit_for_bit) {
    StateDict state;
    state.tensors["a.weight"] = testing::uniform({3, 4}, 1, -1, 1, false).to(DType::Float32);
    state.tensors["b"] = Tensor({-0.0, 5e-324, 1e300}, DType::Float64);
    state.tensors["scalar"] = Tensor(2.5);
    state.tensors["empty"] = zeros({2, 0});
    state.tensors["count"] = Tensor(-7.0, DType::Float64);
    state.metadata["torch.dtype.count"] = "int64";
    state.tensors["mask"] = Tensor({1.0, 0.0, 1.0});
    state.metadata["torch.dtype.mask"] = "bool";
    const StateDict back = parse(io::serialize_torch_state_dict(state));
    BOOST_TEST(back.metadata == state.metadata);
    BOOST_REQUIRE_EQUAL(back.tensors.size(), state.tensors.size());
    for (const auto& [name, t] : state.tensors) {
        const Tensor& u = back.tensors.at(name);
        BOOST_TEST(u.shape() == t.shape(), name);
        if (state.metadata.count("torch.dtype." + name)) {
            BOOST_TEST(u.dtype() == DType::Float64);
            BOOST_TEST((testing::bits(u) == testing::bits(t.to(DType::Float64))), name);
        } else {
            BOOST_TEST((testing::bits(u) == testing::bits(t)), name);
        }
    }
}

BOOST_AUTO_TEST_CASE(save_rejects_what_a_torch_state_dict_cannot_hold) {
    StateDict state;
    state.tensors["w"] = Tensor({0.5, 1.0});
    StateDict with_other_metadata = state;
    with_other_metadata.metadata["param_groups.0.lr"] = "0.1";
    XGRAD_CHECK_THROWS(io::serialize_torch_state_dict(with_other_metadata), ValueError,
                       "'param_groups.0.lr' has no place");
    StateDict not_integral = state;
    not_integral.metadata["torch.dtype.w"] = "int64";
    XGRAD_CHECK_THROWS(io::serialize_torch_state_dict(not_integral), ValueError,
                       "recorded as int64 but holds 0.5");
    StateDict unknown_type = state;
    unknown_type.metadata["torch.dtype.w"] = "float16";
    XGRAD_CHECK_THROWS(io::serialize_torch_state_dict(unknown_type), ValueError, "'float16'");
    StateDict out_of_range = state;
    out_of_range.tensors["w"] = Tensor({300.0});
    out_of_range.metadata["torch.dtype.w"] = "uint8";
    XGRAD_CHECK_THROWS(io::serialize_torch_state_dict(out_of_range), ValueError, "uint8");
    StateDict orphan = state;
    orphan.metadata["torch.dtype.v"] = "int64";
    XGRAD_CHECK_THROWS(io::serialize_torch_state_dict(orphan), ValueError, "does not hold");
}

BOOST_AUTO_TEST_CASE(every_truncation_is_a_format_error) {
    StateDict state;
    state.tensors["w"] = testing::uniform({4, 3}, 2, -1, 1, false);
    const std::string whole = io::serialize_torch_state_dict(state);
    for (std::size_t n = 0; n < whole.size(); n += 5)
        BOOST_CHECK_THROW(parse(whole.substr(0, n)), FormatError);
}

BOOST_AUTO_TEST_CASE(a_legacy_or_foreign_file_is_named_as_such) {
    check_rejected("\x80\x02}q\x00.", "_use_new_zipfile_serialization=False");
    check_rejected(zip_of({{"data.pkl", "\x80\x02}."}}), "not inside a folder");
    check_rejected(zip_of({{"archive/other", "x"}}), "no entry 'archive/data.pkl'");
    check_rejected(zip_of({{"a/data.pkl", "\x80\x02}."}, {"a/byteorder", "big"}}),
                   "only little-endian");
    XGRAD_CHECK_THROWS(io::load_torch_state_dict("/nonexistent/model.pt"), IOError,
                       "/nonexistent/model.pt");
}

BOOST_AUTO_TEST_CASE(forbidden_globals_and_opcodes_are_refused_by_name) {
    const auto pickled = [](const std::string& body) { return zip_of({{"a/data.pkl", body}}); };
    check_rejected(pickled("\x80\x02"
                           "cos\nsystem\n" +
                           unicode("echo hacked") + "\x85R."),
                   "'os.system' is not allowed");
    check_rejected(pickled("\x80\x04\x8c\x08"
                           "builtins\x8c\x04"
                           "eval\x93" +
                           unicode("1") + "\x85R."),
                   "'builtins.eval' is not allowed");
    check_rejected(pickled("\x80\x02(cos\nsystem\nS'ls'\no."), "'os.system' is not allowed");
    check_rejected(pickled("\x80\x02(S'ls'\nt."), "STRING (0x53)");
    check_rejected(pickled("\x80\x02P0\n."), "PERSID");
    check_rejected(pickled("\x80\x02]\x81."), "NEWOBJ");
    check_rejected(pickled("\x80\x02\xff."), "unknown opcode 0xff");
    check_rejected(pickled("\x80\x02"
                           "ctorch\nFloatStorage\n)R."),
                   "calls the storage type");
    check_rejected(pickled("\x80\x02"
                           "ccollections\nOrderedDict\n"
                           "K\x01\x85R."),
                   "OrderedDict called with arguments");
}

BOOST_AUTO_TEST_CASE(malformed_pickles_are_format_errors) {
    const auto pickled = [](const std::string& body) { return zip_of({{"a/data.pkl", body}}); };
    check_rejected(pickled("\x80\x02}"), "ends inside an opcode");
    check_rejected(pickled("\x80\x02}h\x05."), "memo 5, never PUT");
    check_rejected(pickled("\x80\x02u."), "without a MARK");
    check_rejected(pickled("\x80\x02}(K\x01u."), "a key and no value");
    check_rejected(pickled("\x80\x02K\x01K\x02."), "leaves values on the stack");
    check_rejected(pickled("\x80\x02]."), "holds a list, not a state_dict");
    check_rejected(pickled("\x80\x02}(K\x01K\x02u."), "key is an int");
    check_rejected(pickled("\x80\x02}(" + unicode("w") + "K\x02u."), "is an int, not a tensor");
    check_rejected(pickled("\x80\x02\x8a\x09" + std::string(9, '\x01') + "."), "exceeds 64 bits");
    check_rejected(pickled("\x80\x02"
                           "X\xff\xff\xff\x7f"
                           "abc."),
                   "ends inside an opcode");
    // A list that contains itself is only a value like any other: no recursion, no leak.
    check_rejected(pickled("\x80\x02]q\x00h\x00"
                           "a."s),
                   "holds a list");
}

BOOST_AUTO_TEST_CASE(tensors_outside_their_storage_are_refused) {
    const auto check = [](const std::string& pickle, const std::string& storage,
                          const std::string& fragment) {
        check_rejected(archive(pickle, storage), fragment);
    };
    // Offset 1 + 4 elements reach element 4 of a 4-element storage.
    check(tensor_pickle("FloatStorage", 4, k(1), {k(4)}, {k(1)}), four_floats,
          "reaches element 4 of a storage of 4");
    // A stride that steps past the end.
    check(tensor_pickle("FloatStorage", 4, k(0), {k(2), k(2)}, {k(3), k(1)}), four_floats,
          "reaches element 4");
    // The persistent id's size disagrees with the record.
    check(tensor_pickle("FloatStorage", 8, k(0), {k(4)}, {k(1)}), four_floats,
          "the record 'archive/data/0' holds 16");
    check(tensor_pickle("DoubleStorage", 4, k(0), {k(4)}, {k(1)}), four_floats,
          "needs 4 x 8 bytes");
    // Huge sizes: an element count or an extent past 64 bits, a stride-0 expansion.
    check(tensor_pickle("FloatStorage", 4, k(0), {long1(1ull << 62), long1(1ull << 62)},
                        {k(0), k(0)}),
          four_floats, "overflows 64 bits");
    check(tensor_pickle("FloatStorage", 4, k(0), {k(5)}, {long1(1ull << 62)}), four_floats,
          "overflows 64 bits");
    check(tensor_pickle("FloatStorage", 4, k(0), {long1(1ull << 40)}, {k(0)}), four_floats,
          "expanded tensors are not read");
    check(tensor_pickle("FloatStorage", 4, k(0), {"J\xff\xff\xff\xff"}, {k(1)}), four_floats,
          "is negative");
    check(tensor_pickle("FloatStorage", 4, k(0), {k(4)}, {}), four_floats, "1 sizes and 0 strides");
    check(tensor_pickle("HalfStorage", 8, k(0), {k(4)}, {k(1)}), four_floats,
          "stored as torch.HalfStorage");
    check(tensor_pickle("FloatStorage", 4, k(0), std::vector<std::string>(65, k(1)),
                        std::vector<std::string>(65, k(1))),
          four_floats, "65 dimensions");
    // No record for the storage at all.
    check_rejected(
        zip_of({{"archive/data.pkl", tensor_pickle("FloatStorage", 4, k(0), {k(4)}, {k(1)})}}),
        "no entry 'archive/data/0'");
    // An int64 beyond 2^53.
    const std::int64_t big = (std::int64_t(1) << 53) + 1;
    check(tensor_pickle("LongStorage", 1, k(0), {}, {}),
          std::string(reinterpret_cast<const char*>(&big), 8), "beyond 2^53");
}

BOOST_AUTO_TEST_SUITE_END()

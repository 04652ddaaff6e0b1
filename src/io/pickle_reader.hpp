#pragma once
// A restricted unpickler for the data.pkl of a torch.save archive. It builds a tree of plain
// values and never calls anything: of the callables a pickle may name, only a short list of
// globals is accepted at all (collections.OrderedDict, torch._utils._rebuild_tensor_v2 and
// _rebuild_parameter, the storage types), OrderedDict() is the one call it performs (an empty
// ordered dict), and every other REDUCE is kept as a Call node for the caller to interpret.
// Anything else (another opcode, another global) is a FormatError naming it.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace xgrad::io::detail {

/// One value of the pickle. Values live in the Unpickled arena and refer to each other by
/// pointer, so memo references (and cycles a malicious file builds through them) cost nothing
/// and leak nothing.
struct PickleValue {
    enum class Kind {
        None,
        Bool,
        Int,
        Float,
        String,
        Tuple,
        List,
        Dict,
        Global,
        Call,
        PersistentId
    };
    Kind kind = Kind::None;
    std::int64_t integer = 0;  // Bool, Int
    double real = 0;           // Float
    std::string text;          // String; Global: "module.name"
    /// Tuple, List: the items; Dict: keys and values alternating; Call: the callable (a Global)
    /// and the argument tuple; PersistentId: the id.
    std::vector<const PickleValue*> items;
};

/// "an int", "a tuple", ... for messages.
const char* kind_name(PickleValue::Kind kind);

/// The result of unpickling: the arena and the value STOP returned.
struct Unpickled {
    std::deque<PickleValue> arena;
    const PickleValue* root = nullptr;
};

/// Unpickles `bytes[0..size)`; FormatError starting with `what` for anything malformed or
/// outside the restricted set.
Unpickled unpickle(const unsigned char* bytes, std::size_t size, const std::string& what);

}  // namespace xgrad::io::detail

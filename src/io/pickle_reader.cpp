#include "io/pickle_reader.hpp"

#include <cstdio>
#include <cstring>
#include <set>
#include <unordered_map>

#include "xgrad/error.hpp"

namespace xgrad::io::detail {

const char* kind_name(PickleValue::Kind kind) {
    using K = PickleValue::Kind;
    switch (kind) {
        case K::None:
            return "None";
        case K::Bool:
            return "a bool";
        case K::Int:
            return "an int";
        case K::Float:
            return "a float";
        case K::String:
            return "a string";
        case K::Tuple:
            return "a tuple";
        case K::List:
            return "a list";
        case K::Dict:
            return "a dict";
        case K::Global:
            return "a global";
        case K::Call:
            return "a call";
        case K::PersistentId:
            return "a persistent id";
    }
    return "?";
}

namespace {

using Kind = PickleValue::Kind;

/// The globals a state_dict needs, as torch.load(weights_only=True) allows them (less the
/// sparse, meta and quantized rebuilds a dense state_dict never uses).
const std::set<std::string>& allowed_globals() {
    static const std::set<std::string> allowed = {"collections.OrderedDict",
                                                  "torch._utils._rebuild_tensor_v2",
                                                  "torch._utils._rebuild_parameter",
                                                  "torch.FloatStorage",
                                                  "torch.DoubleStorage",
                                                  "torch.HalfStorage",
                                                  "torch.BFloat16Storage",
                                                  "torch.LongStorage",
                                                  "torch.IntStorage",
                                                  "torch.ShortStorage",
                                                  "torch.CharStorage",
                                                  "torch.ByteStorage",
                                                  "torch.BoolStorage"};
    return allowed;
}

/// Opcode names for messages (pickletools' names).
std::string opcode_name(unsigned char op) {
    static const std::unordered_map<unsigned char, const char*> names = {
        {'(', "MARK"},
        {'.', "STOP"},
        {'0', "POP"},
        {'1', "POP_MARK"},
        {'2', "DUP"},
        {'F', "FLOAT"},
        {'I', "INT"},
        {'L', "LONG"},
        {'P', "PERSID"},
        {'S', "STRING"},
        {'T', "BINSTRING"},
        {'U', "SHORT_BINSTRING"},
        {'V', "UNICODE"},
        {'c', "GLOBAL"},
        {'i', "INST"},
        {'o', "OBJ"},
        {'d', "DICT"},
        {'l', "LIST"},
        {'p', "PUT"},
        {'g', "GET"},
        {'\x81', "NEWOBJ"},
        {'\x82', "EXT1"},
        {'\x83', "EXT2"},
        {'\x84', "EXT4"},
        {'\x8b', "LONG4"},
        {'\x8f', "EMPTY_SET"},
        {'\x90', "ADDITEMS"},
        {'\x91', "FROZENSET"},
        {'\x92', "NEWOBJ_EX"},
        {'\x96', "BYTEARRAY8"},
        {'\x97', "NEXT_BUFFER"},
        {'\x98', "READONLY_BUFFER"},
        {'B', "BINBYTES"},
        {'C', "SHORT_BINBYTES"},
        {'\x8e', "BINBYTES8"},
        {'\x8d', "BINUNICODE8"}};
    const auto found = names.find(op);
    char code[8];
    std::snprintf(code, sizeof code, "0x%02x", op);
    return found == names.end() ? std::string("unknown opcode ") + code
                                : std::string(found->second) + " (" + code + ")";
}

class Reader {
public:
    Reader(const unsigned char* bytes, std::size_t size, const std::string& what)
        : bytes_(bytes), size_(size), what_(what) {}

    Unpickled run() {
        while (true) {
            const std::size_t at = pos_;
            const unsigned char op = take(1)[0];
            if (op == '.') {
                result_.root = pop(at, "STOP");
                if (!stack_.empty() || !marks_.empty()) fail(at, "STOP leaves values on the stack");
                return std::move(result_);
            }
            step(op, at);
        }
    }

private:
    [[noreturn]] void fail(std::size_t at, const std::string& message) const {
        throw FormatError(what_ + ": byte " + std::to_string(at) + ": " + message);
    }

    const unsigned char* take(std::size_t n) {
        if (n > size_ - pos_)
            fail(pos_, "the pickle ends inside an opcode (" + std::to_string(n) +
                           " bytes needed, " + std::to_string(size_ - pos_) + " left)");
        const unsigned char* p = bytes_ + pos_;
        pos_ += n;
        return p;
    }
    std::uint32_t take_u32() {
        std::uint32_t v;
        std::memcpy(&v, take(4), 4);
        return v;
    }

    PickleValue* make(Kind kind) {
        result_.arena.emplace_back();
        result_.arena.back().kind = kind;
        return &result_.arena.back();
    }
    PickleValue* make_int(std::int64_t v) {
        PickleValue* value = make(Kind::Int);
        value->integer = v;
        return value;
    }
    PickleValue* make_string(std::size_t n) {
        PickleValue* value = make(Kind::String);
        const unsigned char* p = take(n);
        value->text.assign(reinterpret_cast<const char*>(p), n);
        return value;
    }

    void push(PickleValue* value) { stack_.push_back(value); }
    PickleValue* pop(std::size_t at, const char* op) {
        if (stack_.size() <= floor())
            fail(at, std::string(op) + " on an empty stack (or past a MARK)");
        PickleValue* value = stack_.back();
        stack_.pop_back();
        return value;
    }
    PickleValue* top(std::size_t at, const char* op) {
        if (stack_.size() <= floor()) fail(at, std::string(op) + " on an empty stack");
        return stack_.back();
    }
    std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
    /// The values above the last MARK, which is removed.
    std::vector<PickleValue*> pop_mark(std::size_t at, const char* op) {
        if (marks_.empty()) fail(at, std::string(op) + " without a MARK");
        const std::size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<PickleValue*> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark),
                                        stack_.end());
        stack_.resize(mark);
        return items;
    }
    PickleValue* tuple(std::vector<PickleValue*> items) {
        PickleValue* value = make(Kind::Tuple);
        value->items.assign(items.begin(), items.end());
        return value;
    }
    void add_items(std::size_t at, const char* op, PickleValue* target,
                   const std::vector<PickleValue*>& items) {
        if (target->kind == Kind::Dict) {
            if (items.size() % 2 != 0) fail(at, std::string(op) + " with a key and no value");
        } else if (target->kind != Kind::List) {
            fail(at, std::string(op) + " on " + kind_name(target->kind));
        }
        target->items.insert(target->items.end(), items.begin(), items.end());
    }
    void put(std::size_t at, std::uint32_t index) { memo_[index] = top(at, "PUT"); }
    void get(std::size_t at, std::uint32_t index) {
        const auto found = memo_.find(index);
        if (found == memo_.end()) fail(at, "GET of memo " + std::to_string(index) + ", never PUT");
        push(found->second);
    }
    void global(std::size_t at, std::string module, std::string name) {
        const std::string full = module + "." + name;
        if (!allowed_globals().count(full))
            fail(at, "the global '" + full +
                         "' is not allowed: a state_dict only needs collections.OrderedDict, "
                         "torch._utils._rebuild_tensor_v2 / _rebuild_parameter and the storage "
                         "types (nothing in the file is ever executed)");
        PickleValue* value = make(Kind::Global);
        value->text = full;
        push(value);
    }
    std::string line(std::size_t at) {
        const void* end = std::memchr(bytes_ + pos_, '\n', size_ - pos_);
        if (!end) fail(at, "GLOBAL without a newline");
        const std::size_t n = static_cast<const unsigned char*>(end) - (bytes_ + pos_);
        std::string text(reinterpret_cast<const char*>(take(n)), n);
        take(1);
        return text;
    }

    void step(unsigned char op, std::size_t at) {
        switch (op) {
            case 0x80: {  // PROTO
                const unsigned version = take(1)[0];
                if (version > 5) fail(at, "pickle protocol " + std::to_string(version));
                break;
            }
            case 0x95:
                take(8);
                break;  // FRAME: a length hint
            case '(':
                marks_.push_back(stack_.size());
                break;
            case 'N':
                push(make(Kind::None));
                break;
            case 0x88:
            case 0x89: {  // NEWTRUE, NEWFALSE
                PickleValue* value = make(Kind::Bool);
                value->integer = op == 0x88;
                push(value);
                break;
            }
            case 'K':
                push(make_int(take(1)[0]));
                break;   // BININT1
            case 'M': {  // BININT2
                const unsigned char* p = take(2);
                push(make_int(p[0] | (p[1] << 8)));
                break;
            }
            case 'J':
                push(make_int(static_cast<std::int32_t>(take_u32())));
                break;    // BININT
            case 0x8a: {  // LONG1: little-endian two's complement of n bytes
                const unsigned n = take(1)[0];
                if (n > 8) fail(at, "LONG1 of " + std::to_string(n) + " bytes exceeds 64 bits");
                const unsigned char* p = take(n);
                std::uint64_t v = 0;
                for (unsigned i = 0; i < n; ++i) v |= std::uint64_t(p[i]) << (8 * i);
                if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~std::uint64_t(0) << (8 * n);
                push(make_int(static_cast<std::int64_t>(v)));
                break;
            }
            case 'G': {  // BINFLOAT: big-endian double
                const unsigned char* p = take(8);
                std::uint64_t bits = 0;
                for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
                PickleValue* value = make(Kind::Float);
                std::memcpy(&value->real, &bits, 8);
                push(value);
                break;
            }
            case 'X':
                push(make_string(take_u32()));
                break;  // BINUNICODE
            case 0x8c:
                push(make_string(take(1)[0]));
                break;  // SHORT_BINUNICODE
            case ')':
                push(make(Kind::Tuple));
                break;  // EMPTY_TUPLE
            case 't':
                push(tuple(pop_mark(at, "TUPLE")));
                break;
            case 0x85:
            case 0x86:
            case 0x87: {  // TUPLE1..3
                std::vector<PickleValue*> items(op - 0x84);
                for (auto it = items.rbegin(); it != items.rend(); ++it) *it = pop(at, "TUPLEn");
                push(tuple(std::move(items)));
                break;
            }
            case ']':
                push(make(Kind::List));
                break;  // EMPTY_LIST
            case '}':
                push(make(Kind::Dict));
                break;   // EMPTY_DICT
            case 'a': {  // APPEND
                PickleValue* item = pop(at, "APPEND");
                add_items(at, "APPEND", top(at, "APPEND"), {item});
                break;
            }
            case 'e': {  // APPENDS
                const auto items = pop_mark(at, "APPENDS");
                add_items(at, "APPENDS", top(at, "APPENDS"), items);
                break;
            }
            case 's': {  // SETITEM
                PickleValue* value = pop(at, "SETITEM");
                PickleValue* key = pop(at, "SETITEM");
                PickleValue* dict = top(at, "SETITEM");
                if (dict->kind != Kind::Dict)
                    fail(at, "SETITEM on " + std::string(kind_name(dict->kind)));
                add_items(at, "SETITEM", dict, {key, value});
                break;
            }
            case 'u': {  // SETITEMS
                const auto items = pop_mark(at, "SETITEMS");
                PickleValue* dict = top(at, "SETITEMS");
                if (dict->kind != Kind::Dict)
                    fail(at, "SETITEMS on " + std::string(kind_name(dict->kind)));
                add_items(at, "SETITEMS", dict, items);
                break;
            }
            case 'q':
                put(at, take(1)[0]);
                break;  // BINPUT
            case 'r':
                put(at, take_u32());
                break;  // LONG_BINPUT
            case 0x94:
                put(at, static_cast<std::uint32_t>(memo_.size()));
                break;  // MEMOIZE
            case 'h':
                get(at, take(1)[0]);
                break;  // BINGET
            case 'j':
                get(at, take_u32());
                break;   // LONG_BINGET
            case 'c': {  // GLOBAL "module\nname\n"
                std::string module = line(at);
                global(at, std::move(module), line(at));
                break;
            }
            case 0x93: {  // STACK_GLOBAL
                PickleValue* name = pop(at, "STACK_GLOBAL");
                PickleValue* module = pop(at, "STACK_GLOBAL");
                if (name->kind != Kind::String || module->kind != Kind::String)
                    fail(at, "STACK_GLOBAL of non-strings");
                global(at, module->text, name->text);
                break;
            }
            case 'Q': {  // BINPERSID
                PickleValue* value = make(Kind::PersistentId);
                value->items.push_back(pop(at, "BINPERSID"));
                push(value);
                break;
            }
            case 'R': {  // REDUCE: recorded, never called
                PickleValue* args = pop(at, "REDUCE");
                PickleValue* callable = pop(at, "REDUCE");
                if (callable->kind != Kind::Global || args->kind != Kind::Tuple)
                    fail(at, std::string("REDUCE of ") + kind_name(callable->kind) + " with " +
                                 kind_name(args->kind) + " (a global and a tuple expected)");
                if (callable->text.find("Storage") != std::string::npos)
                    fail(at, "REDUCE calls the storage type '" + callable->text + "'");
                if (callable->text == "collections.OrderedDict") {
                    if (!args->items.empty()) fail(at, "OrderedDict called with arguments");
                    push(make(Kind::Dict));
                    break;
                }
                PickleValue* call = make(Kind::Call);
                call->items = {callable, args};
                push(call);
                break;
            }
            case 'b': {  // BUILD: only the _metadata attribute torch.save gives an OrderedDict
                PickleValue* state = pop(at, "BUILD");
                PickleValue* target = top(at, "BUILD");
                if (target->kind != Kind::Dict || state->kind != Kind::Dict)
                    fail(at, std::string("BUILD of ") + kind_name(target->kind) + " with " +
                                 kind_name(state->kind) +
                                 " (only a dict's attributes are allowed)");
                break;
            }
            default:
                fail(at,
                     "the opcode " + opcode_name(op) + " is not allowed in a state_dict pickle");
        }
    }

    const unsigned char* bytes_;
    std::size_t size_;
    std::string what_;
    std::size_t pos_ = 0;
    std::vector<PickleValue*> stack_;
    std::vector<std::size_t> marks_;
    std::unordered_map<std::uint32_t, PickleValue*> memo_;
    Unpickled result_;
};

}  // namespace

Unpickled unpickle(const unsigned char* bytes, std::size_t size, const std::string& what) {
    return Reader(bytes, size, what).run();
}

}  // namespace xgrad::io::detail

#pragma once
// A small open-addressing map from node addresses to positions, for the backward sweep: one
// flat array, no allocation per entry, cleared in time proportional to its use. The sweep
// builds one per call; std::unordered_map cost more than the arithmetic of a small graph.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xgrad::detail {

class PointerIndex {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// Empties the map, keeping its storage.
    void clear() {
        for (std::size_t slot : used_) slots_[slot].key = nullptr;
        used_.clear();
    }

    /// Inserts key -> value unless key is present; returns whether it inserted.
    bool insert(const void* key, std::size_t value) {
        if ((used_.size() + 1) * 2 > slots_.size()) grow();
        std::size_t i = find_slot(key);
        if (slots_[i].key == key) return false;
        slots_[i] = {key, value};
        used_.push_back(i);
        return true;
    }

    /// The value of key, or npos.
    std::size_t find(const void* key) const {
        if (slots_.empty()) return npos;
        const Slot& slot = slots_[find_slot(key)];
        return slot.key == key ? slot.value : npos;
    }

    /// Sets the value of a key that is present.
    void set(const void* key, std::size_t value) { slots_[find_slot(key)].value = value; }

    std::size_t size() const { return used_.size(); }

private:
    struct Slot {
        const void* key = nullptr;
        std::size_t value = 0;
    };

    std::size_t find_slot(const void* key) const {
        const std::size_t mask = slots_.size() - 1;
        // Fibonacci hashing of the address: node addresses share their low bits.
        std::size_t i =
            (reinterpret_cast<std::uintptr_t>(key) * 0x9E3779B97F4A7C15ull) >> 20 & mask;
        while (slots_[i].key != nullptr && slots_[i].key != key) i = (i + 1) & mask;
        return i;
    }

    void grow() {
        std::vector<Slot> old;
        old.swap(slots_);
        slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
        used_.clear();
        for (const Slot& s : old)
            if (s.key) {
                const std::size_t i = find_slot(s.key);
                slots_[i] = s;
                used_.push_back(i);
            }
    }

    std::vector<Slot> slots_;
    std::vector<std::size_t> used_;  // occupied slots, for clear()
};

}  // namespace xgrad::detail

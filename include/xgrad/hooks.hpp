#pragma once
/// \file hooks.hpp
/// Hook lists and the handle that removes a hook: what Tensor::register_hook and the module hooks
/// (nn::Module::register_forward_hook, ...) share.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace xgrad {

class Tensor;

/// A gradient hook: receives a tensor's gradient once the backward sweep has computed it in full.
/// An undefined result leaves the gradient unchanged; a defined one replaces it.
using GradHook = std::function<Tensor(const Tensor& grad)>;

namespace detail {

/// What a HookHandle needs of a hook list: removing one entry.
class HookListBase {
public:
    virtual ~HookListBase() = default;
    virtual void remove(std::size_t id) noexcept = 0;
};

/// Hooks in registration order, each under an id that stays valid while others are removed.
template <class Hook>
class HookList : public HookListBase {
public:
    std::size_t add(Hook hook) {
        entries_.emplace_back(next_id_, std::move(hook));
        return next_id_++;
    }
    void remove(std::size_t id) noexcept override {
        entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                      [id](const auto& entry) { return entry.first == id; }),
                       entries_.end());
    }
    bool empty() const { return entries_.empty(); }
    /// The hooks as they are now. Callers run this copy, so a hook that removes itself or
    /// registers another does not disturb the run it is part of (the change applies to the next).
    std::vector<Hook> snapshot() const {
        std::vector<Hook> hooks;
        hooks.reserve(entries_.size());
        for (const auto& entry : entries_) hooks.push_back(entry.second);
        return hooks;
    }

private:
    std::vector<std::pair<std::size_t, Hook>> entries_;
    std::size_t next_id_ = 0;
};

}  // namespace detail

/// Removes the hook it was returned for (PyTorch's RemovableHandle). Not RAII: dropping the
/// handle keeps the hook. The handle refers to the hook list weakly, so remove() after the tensor
/// or module is gone, or a second remove(), does nothing.
class HookHandle {
public:
    HookHandle() = default;
    HookHandle(std::weak_ptr<detail::HookListBase> list, std::size_t id)
        : list_(std::move(list)), id_(id) {}

    /// Unregisters the hook; idempotent.
    void remove() noexcept {
        if (auto list = list_.lock()) list->remove(id_);
        list_.reset();
    }

private:
    std::weak_ptr<detail::HookListBase> list_;
    std::size_t id_ = 0;
};

}  // namespace xgrad

#pragma once
/// \file checkpoint.hpp
/// Training checkpoints: the state of every stateful part of a training run (model, optimizer,
/// learning-rate schedule, data loader, ...), the epoch and step counters and the default random
/// generator's state, in one safetensors file, so that a run resumed from it continues bit for bit
/// as if it had never stopped.
///
///     std::vector<io::Component> parts = {io::component("model", *model),
///                                         io::component("optimizer", optimizer),
///                                         io::component("scheduler", scheduler),
///                                         io::component("loader", loader)};
///     io::save_checkpoint("run.safetensors", io::capture(parts, epoch, step));
///     ...
///     const io::Checkpoint checkpoint = io::load_checkpoint("run.safetensors");
///     io::restore(checkpoint, parts);  // all parts and the RNG, or nothing
///     epoch = checkpoint.epoch;

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "xgrad/state_dict.hpp"

namespace xgrad::io {

/// The contents of a training checkpoint.
struct Checkpoint {
    /// The state of each part by name ("model", "optimizer", ...). Names are non-empty, hold no
    /// '.', and "xgrad" is reserved.
    std::map<std::string, StateDict> parts;
    /// Epochs and steps completed when the checkpoint was taken.
    std::uint64_t epoch = 0;
    std::uint64_t step = 0;
    /// Generator::state() of default_generator() (empty: not saved, not restored).
    std::string rng_state;
};

/// Lays a checkpoint out as one StateDict: part P's entries under "P.", the counters and RNG
/// state under "xgrad.". ValueError for a bad part name.
StateDict to_state_dict(const Checkpoint& checkpoint);
/// The reverse of to_state_dict(). FormatError if it is not an xgrad checkpoint (no
/// "xgrad.format" entry, or malformed counters).
Checkpoint from_state_dict(const StateDict& state);

/// Saves `checkpoint` as a safetensors file, atomically (see save_safetensors()).
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);
/// Loads and validates a checkpoint file (see load_safetensors()).
Checkpoint load_checkpoint(const std::string& path);

/// A stateful part of a training run, reached through its state_dict() / load_state_dict().
struct Component {
    std::string name;
    std::function<StateDict()> state_dict;
    std::function<void(const StateDict&)> load_state_dict;
};

/// A Component for any object with `StateDict state_dict() const` and
/// `load_state_dict(const StateDict&)`: an nn::Module, an optimizer, a scheduler, a DataLoader.
/// The object must outlive the component.
template <class T>
Component component(std::string name, T& object) {
    return Component{std::move(name), [&object] { return object.state_dict(); },
                     [&object](const StateDict& state) { object.load_state_dict(state); }};
}

/// Snapshots the parts, the counters and the default generator's state.
Checkpoint capture(const std::vector<Component>& parts, std::uint64_t epoch = 0,
                   std::uint64_t step = 0);

/// Loads each part's state and then the default generator's state. With `strict`, the checkpoint
/// must hold exactly the parts given (ValueError naming the missing and unexpected ones, before
/// anything changes). If a part rejects its state, the parts already loaded are put back as they
/// were and the error is rethrown, so a failed restore changes nothing.
void restore(const Checkpoint& checkpoint, const std::vector<Component>& parts, bool strict = true);

}  // namespace xgrad::io

#pragma once
/// \file torch_state_dict.hpp
/// PyTorch state_dict files, both ways: what Python's `torch.save(model.state_dict(), path)`
/// writes (the zip archive of PyTorch >= 1.6: `<archive>/data.pkl`, one `<archive>/data/<key>`
/// record per storage, `<archive>/version`) read into a StateDict, and a StateDict written so
/// that `torch.load(path, weights_only=True)` returns the same values, bit for bit.
///
///     // Python: torch.save(model.state_dict(), "mlp.pt")
///     model->load_state_dict(io::load_torch_state_dict("mlp.pt"));
///     io::save_torch_state_dict("trained.pt", model->state_dict());
///     // Python: model.load_state_dict(torch.load("trained.pt", weights_only=True))
///
/// The pickle in the archive is untrusted input and is read by a restricted reader, never
/// executed: it knows the opcodes a state_dict uses and only the globals
/// collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and
/// the storage types (torch.FloatStorage, ...). Everything else is a FormatError naming the
/// opcode or global: the promise of torch.load(weights_only=True).
///
/// dtypes: float32 and float64 tensors load as such. Integer and bool tensors (a BatchNorm's
/// `num_batches_tracked` is an int64 scalar) load as float64 tensors, exact up to 2^53, and the
/// StateDict remembers their type in its metadata, `"torch.dtype.<name>" -> "int64"`, so that
/// save_torch_state_dict() writes them back as that type. float16 / bfloat16 / complex tensors
/// are a FormatError. Strided tensors (transposes, slices, a storage offset) are copied out
/// contiguously; tensors that share one storage load as separate tensors (xgrad has no views).

#include <cstddef>
#include <cstdint>
#include <string>

#include "xgrad/state_dict.hpp"

namespace xgrad::io {

/// The metadata key prefix that records a tensor's integer type: "torch.dtype.<name>" holds
/// "int64", "int32", "int16", "int8", "uint8" or "bool".
inline constexpr const char* kTorchDtypePrefix = "torch.dtype.";

/// The largest data.pkl accepted (a state_dict of 10,000 tensors pickles to about 1.5 MB).
inline constexpr std::uint64_t kMaxTorchPickleBytes = 64u << 20;

/// Reads the state_dict (a dict or OrderedDict of tensors) that torch.save wrote to `path`.
/// Everything is checked before a tensor is built: the zip archive, the pickle (restricted
/// reader, see above), each tensor's storage record (present, of the byte size its persistent
/// id states), sizes and strides that stay inside the storage, element counts without overflow.
/// FormatError naming the file and what is wrong; IOError when the file cannot be read.
StateDict load_torch_state_dict(const std::string& path);

/// The same from the bytes of such a file (`name` is used in messages).
StateDict parse_torch_state_dict(const unsigned char* bytes, std::size_t size,
                                 const std::string& name = "<memory>");

/// Writes `state` as torch.save would write an OrderedDict of contiguous tensors (pickle protocol
/// 2, one storage per tensor, archive entries stored uncompressed), atomically (temporary file,
/// fsync, rename). Float32 tensors become torch.float32, Float64 ones torch.float64, unless the
/// metadata records an integer type (see kTorchDtypePrefix). ValueError for an undefined tensor,
/// an empty name, metadata other than those type records, an unknown recorded type, or a value
/// that the recorded integer type cannot hold exactly; IOError when the OS refuses.
void save_torch_state_dict(const std::string& path, const StateDict& state);

/// The bytes save_torch_state_dict() writes.
std::string serialize_torch_state_dict(const StateDict& state);

}  // namespace xgrad::io

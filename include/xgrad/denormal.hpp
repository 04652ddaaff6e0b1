#pragma once
/// \file denormal.hpp
/// Flushing denormal floats to zero. Late in training, gradients and momentum buffers underflow
/// into denormals, on which x86 CPUs compute up to 100x slower; a run can slow down 2x without
/// any change in the losses. Flushing them (torch.set_flush_denormal) avoids that.

namespace xgrad {

/// Sets (true) or clears the CPU's flush-to-zero and denormals-are-zero modes for the calling
/// thread (x86 SSE: MXCSR FTZ and DAZ). Returns false, changing nothing, on CPUs without them.
bool set_flush_denormal(bool enabled);

}  // namespace xgrad

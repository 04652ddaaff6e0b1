// libFuzzer target: bytes as a safetensors training checkpoint, parsed, laid out as a checkpoint
// and restored into a small training run (model, Adam, StepLR, shuffling DataLoader, RNG). A
// malformed file may only raise an xgrad::Error; a failed restore must change nothing, and a
// restore that succeeds must leave a run that trains without error. Any other exception, a
// crash, a leak or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "resume_training.hpp"
#include "xgrad/error.hpp"
#include "xgrad/io.hpp"

namespace {
std::string serialized(xgrad::testing::TrainingRun& run) {
    return xgrad::io::serialize_safetensors(
        xgrad::io::to_state_dict(xgrad::io::capture(run.parts(), run.epoch, run.step)));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    xgrad::io::Checkpoint checkpoint;
    try {
        checkpoint = xgrad::io::from_state_dict(xgrad::io::parse_safetensors(data, size, "fuzz"));
    } catch (const xgrad::Error&) {
        return 0;
    }
    xgrad::testing::TrainingRun run(1);
    const std::string before = serialized(run);
    try {
        xgrad::io::restore(checkpoint, run.parts());
    } catch (const xgrad::Error&) {
        if (serialized(run) != before) std::abort();  // a failed restore changed the run
        return 0;
    }
    // Throws (a finding) if restore accepted a state training cannot use. One step on the next
    // epoch's first batch: a whole epoch would slow the fuzzer down ten times.
    run.train_step(*run.loader->begin());
    run.scheduler->step();
    return 0;
}

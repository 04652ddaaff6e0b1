// Exact resume across processes: `xgrad_resume_helper check` runs itself three times
//   straight A       2 epochs, parameters saved to A
//   first C          1 epoch, training checkpoint saved to C
//   second C B       a fresh process restores C, trains 1 epoch, parameters saved to B
// and passes when A and B hold bit-identical parameters.
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "resume_training.hpp"

extern char** environ;

namespace {

using xgrad::testing::TrainingRun;

void save_parameters(TrainingRun& run, const std::string& path) {
    xgrad::io::save_safetensors(path, run.model->state_dict());
}

int run_self(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    // The resolved path, not "/proc/self/exe": under valgrind (.ci/valgrind) that link names
    // valgrind's own tool, while readlink of it answers the program's path.
    std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    argv.push_back(self.data());
    std::vector<std::string> copies = args;
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
        std::cerr << "cannot spawn " << args.front() << ": " << std::strerror(errno) << "\n";
        return 1;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int check() {
    std::string pattern = (std::filesystem::temp_directory_path() / "xgrad-resume-XXXXXX").string();
    if (!mkdtemp(pattern.data())) return 1;
    const std::filesystem::path dir = pattern;
    const std::string straight = (dir / "straight.safetensors").string();
    const std::string checkpoint = (dir / "checkpoint.safetensors").string();
    const std::string resumed = (dir / "resumed.safetensors").string();
    int status = run_self({"straight", straight});
    if (status == 0) status = run_self({"first", checkpoint});
    if (status == 0) status = run_self({"second", checkpoint, resumed});
    if (status != 0) {
        std::cerr << "a phase failed with status " << status << "\n";
        std::filesystem::remove_all(dir);
        return 1;
    }
    const xgrad::StateDict a = xgrad::io::load_safetensors(straight);
    const xgrad::StateDict b = xgrad::io::load_safetensors(resumed);
    std::filesystem::remove_all(dir);
    bool same = a.tensors.size() == b.tensors.size() && !a.tensors.empty();
    for (const auto& [name, tensor] : a.tensors) {
        const auto other = b.tensors.find(name);
        if (other == b.tensors.end() || other->second.to_vector() != tensor.to_vector()) {
            std::cerr << "parameter '" << name << "' differs after resuming in a fresh process\n";
            same = false;
        }
    }
    std::cout << (same ? "1 passed, 0 failed" : "0 passed, 1 failed")
              << ": 2 epochs straight vs 1 epoch + checkpoint + fresh process + 1 epoch ("
              << a.tensors.size() << " tensors, bit for bit)\n";
    return same ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 1 && args[0] == "check") return check();
        if (args.size() == 2 && args[0] == "straight") {
            TrainingRun run(1);
            run.train_epoch();
            run.train_epoch();
            save_parameters(run, args[1]);
            return 0;
        }
        if (args.size() == 2 && args[0] == "first") {
            TrainingRun run(1);
            run.train_epoch();
            run.save(args[1]);
            return 0;
        }
        if (args.size() == 3 && args[0] == "second") {
            TrainingRun run(777);  // other initial values: they must all come from the checkpoint
            run.load(args[1]);
            run.train_epoch();
            save_parameters(run, args[2]);
            return 0;
        }
    } catch (const std::exception& error) {
        std::cerr << "xgrad_resume_helper: " << error.what() << "\n";
        return 1;
    }
    std::cerr << "usage: xgrad_resume_helper check | straight OUT | first CKPT | second CKPT OUT\n";
    return 2;
}

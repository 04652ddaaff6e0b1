// Crash safety of checkpoints: `xgrad_crash_helper check [rounds] [seed]` runs a child process
// (`xgrad_crash_helper save <path> <fd>`) that saves training checkpoints in a loop, kills it with
// SIGKILL at a random moment, and checks that the checkpoint it leaves loads and holds exactly
// one whole state: the last one the child reported as saved, or the one it was saving when it
// died. The next child resumes from that checkpoint. State k has every tensor of the model and
// of the optimizer equal to k, and epoch = step = k, so a file mixing two saves shows. Also
// checks that the temporary files of killed saves do not pile up.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "xgrad/io.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/optim/adam.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace xgrad;

/// A model and an optimizer with moments: about 0.8 MB of checkpoint, so that a kill often lands
/// in the middle of writing it.
struct Run {
    std::shared_ptr<nn::Linear> model = std::make_shared<nn::Linear>(256, 256);
    optim::Adam optimizer{model->parameters()};

    Run() {  // one step, so that Adam has its moment tensors
        sum((*model)(ones({1, 256}))).backward();
        optimizer.step();
    }
    std::vector<io::Component> parts() {
        return {io::component("model", *model), io::component("optimizer", optimizer)};
    }
    /// Makes every tensor of every part equal `k`.
    void set(std::uint64_t k) {
        for (const auto& part : parts()) {
            StateDict state = part.state_dict();
            for (auto& [name, tensor] : state.tensors)
                tensor = full(tensor.shape(), static_cast<double>(k), tensor.dtype());
            part.load_state_dict(state);
        }
    }
};

int save_loop(const std::string& path, int report_fd) {
    Run run;
    std::uint64_t k = fs::exists(path) ? io::load_checkpoint(path).epoch : 0;
    for (;;) {
        run.set(++k);
        io::save_checkpoint(path, io::capture(run.parts(), k, k));
        if (::write(report_fd, &k, sizeof k) != sizeof k) return 1;
    }
}

/// Empty if the checkpoint at `path` is whole state `k`, else what is wrong.
std::string check_state(const io::Checkpoint& checkpoint, std::uint64_t k) {
    if (checkpoint.step != k) return "step " + std::to_string(checkpoint.step);
    for (const char* part : {"model", "optimizer"}) {
        const auto found = checkpoint.parts.find(part);
        if (found == checkpoint.parts.end()) return std::string("no part ") + part;
        if (found->second.tensors.size() < 2) return std::string("too few tensors in ") + part;
        for (const auto& [name, tensor] : found->second.tensors) {
            const std::vector<double> values = tensor.to_vector();
            const auto other = std::find_if(values.begin(), values.end(),
                                            [&](double v) { return v != static_cast<double>(k); });
            if (other != values.end())
                return std::string(part) + "." + name + " holds " + std::to_string(*other) +
                       " at element " + std::to_string(other - values.begin());
        }
    }
    return "";
}

std::size_t count_temporaries(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().filename().string().find(".tmp.") != std::string::npos) ++n;
    return n;
}

pid_t spawn_saver(const std::string& path, int report_fd) {
    std::string self = "/proc/self/exe", mode = "save", fd = std::to_string(report_fd);
    std::string target = path;
    char* argv[] = {self.data(), mode.data(), target.data(), fd.data(), nullptr};
    pid_t pid = 0;
    if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, environ) != 0) return -1;
    return pid;
}

int check(int rounds, std::uint64_t seed) {
    std::cout << "crash safety: " << rounds << " SIGKILLs, seed " << seed
              << " (rerun: xgrad_crash_helper check " << rounds << " " << seed << ")\n";
    std::mt19937_64 random(seed);
    std::string pattern = (fs::temp_directory_path() / "xgrad-crash-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return 1;
    const fs::path dir = pattern;
    const std::string path = (dir / "run.safetensors").string();
    int failures = 0, newer = 0, torn = 0;
    for (int round = 0; round < rounds && failures == 0; ++round) {
        int pipe_fds[2];
        if (::pipe(pipe_fds) != 0) return 1;
        const pid_t child = spawn_saver(path, pipe_fds[1]);
        ::close(pipe_fds[1]);
        std::uint64_t reported = 0, k = 0;
        // Wait for the first save, then kill somewhere in the following saves (~1-3 ms each).
        if (child < 0 || ::read(pipe_fds[0], &reported, sizeof reported) != sizeof reported) {
            std::cerr << "round " << round << ": the child saved nothing\n";
            return 1;
        }
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, 30000)(random)));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        while (::read(pipe_fds[0], &k, sizeof k) == sizeof k) reported = k;
        ::close(pipe_fds[0]);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            std::cerr << "round " << round << ": the child ended on its own (status " << status
                      << ")\n";
            return 1;
        }

        const std::size_t temporaries = count_temporaries(dir);
        torn += temporaries > 0;
        std::string problem;
        try {
            const io::Checkpoint checkpoint = io::load_checkpoint(path);
            if (checkpoint.epoch != reported && checkpoint.epoch != reported + 1)
                problem = "epoch " + std::to_string(checkpoint.epoch) + ", but the last save " +
                          "reported was " + std::to_string(reported);
            else
                problem = check_state(checkpoint, checkpoint.epoch);
            newer += checkpoint.epoch == reported + 1;
        } catch (const std::exception& error) {
            problem = std::string("does not load: ") + error.what();
        }
        // The previous children's temporary files are gone; the last one may have left one.
        if (problem.empty() && temporaries > 1)
            problem = std::to_string(temporaries) + " temporary files left in " + dir.string();
        if (!problem.empty()) {
            std::cerr << "round " << round << " (killed after save " << reported << "): checkpoint "
                      << problem << "\n";
            ++failures;
        }
    }
    // A save after the last kill removes what that kill left.
    if (failures == 0) {
        io::save_checkpoint(path, io::load_checkpoint(path));
        if (count_temporaries(dir) != 0) {
            std::cerr << "a save did not remove the temporary file of a killed save\n";
            ++failures;
        }
    }
    fs::remove_all(dir);
    std::cout << (failures ? "0 passed, 1 failed" : "1 passed, 0 failed") << ": " << rounds
              << " kills, " << torn << " in the middle of a save, " << newer
              << " after a save completed but before it was reported\n";
    return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 3 && args[0] == "save") return save_loop(args[1], std::stoi(args[2]));
        if (!args.empty() && args[0] == "check" && args.size() <= 3)
            return check(args.size() > 1 ? std::stoi(args[1]) : 50,
                         args.size() > 2 ? std::stoull(args[2]) : std::random_device{}());
    } catch (const std::exception& error) {
        std::cerr << "xgrad_crash_helper: " << error.what() << "\n";
        return 1;
    }
    std::cerr << "usage: xgrad_crash_helper check [rounds] [seed] | save <path> <fd>\n";
    return 2;
}

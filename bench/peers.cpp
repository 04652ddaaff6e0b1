// The peers this benchmark was built with: CMake defines XGRAD_BENCH_DLIB and
// XGRAD_BENCH_TINYDNN when it found the library and compiled its file.
#include "peers.hpp"

#include <algorithm>

namespace bench {

std::unique_ptr<MlpPeer> make_dlib_peer();
std::unique_ptr<MlpPeer> make_tinydnn_peer();

std::vector<std::unique_ptr<MlpPeer>> make_mlp_peers() {
    std::vector<std::unique_ptr<MlpPeer>> peers;
#ifdef XGRAD_BENCH_DLIB
    peers.push_back(make_dlib_peer());
#endif
#ifdef XGRAD_BENCH_TINYDNN
    peers.push_back(make_tinydnn_peer());
#endif
    return peers;
}

std::vector<Row> peer_rows(const std::vector<std::unique_ptr<MlpPeer>>& peers,
                           const std::string& name, int threads, double xgrad_seconds,
                           const std::vector<Batch>& batches, const TimingOptions& timing,
                           std::size_t rounds) {
    std::vector<Row> rows;
    for (const auto& peer : peers) {
        if (!peer->set_threads(threads)) continue;
        std::vector<double> times;
        for (std::size_t r = 0; r < rounds; ++r)
            times.push_back(peer->step_seconds(batches, timing));
        std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
        Row row{name, threads, xgrad_seconds, times[times.size() / 2], "s"};
        const std::string library = peer->name().substr(0, peer->name().find(' '));
        row.ratio = xgrad_seconds / row.peer_value;
        row.ratio_of = "xgrad/" + library;
        row.peer = peer->name();
        rows.push_back(row);
    }
    return rows;
}

}  // namespace bench

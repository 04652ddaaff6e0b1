#pragma once
// The results table and its JSON and Markdown twins.

#include <ostream>
#include <string>
#include <vector>

namespace bench {

struct Row {
    std::string name;  // "mlp 784-128-10 step, batch 64"
    int threads = 1;
    double xgrad = 0;        // in `unit`'s base (seconds or bytes); < 0 when not measured
    double peer_value = -1;  // the other library's, in the same unit
    std::string unit;        // "s" or "B"
    double ratio = -1;       // as `ratio_of` says; < 0 when not available
    std::string ratio_of;    // "xgrad/libtorch", "libtorch/xgrad", "xgrad/sgemm"
    std::string target;      // "<= 0.6"; empty: informational
    bool met = true;
    /// The library of `peer_value`: libtorch, or another C++ library a user could pick instead.
    std::string peer = "libtorch";
};

struct Header {
    std::string cpu, blas_library, blas_kernel, coretype_env, note, load;
};

/// "12.3 us", "1.42 ms", "187 MB".
std::string format_value(double value, const std::string& unit);

void print_table(std::ostream& out, const Header& header, const std::vector<Row>& rows);
void write_json(std::ostream& out, const Header& header, const std::vector<Row>& rows);

}  // namespace bench

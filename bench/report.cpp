#include "report.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace bench {

std::string format_value(double value, const std::string& unit) {
    if (value < 0) return "-";
    char text[32];
    if (unit == "B") {
        std::snprintf(text, sizeof text, "%.0f MB", value / 1e6);
    } else if (value < 1e-6) {
        std::snprintf(text, sizeof text, "%.0f ns", value * 1e9);
    } else if (value < 1e-3) {
        std::snprintf(text, sizeof text, "%.2f us", value * 1e6);
    } else if (value < 1) {
        std::snprintf(text, sizeof text, "%.2f ms", value * 1e3);
    } else {
        std::snprintf(text, sizeof text, "%.3f s", value);
    }
    return text;
}

void print_table(std::ostream& out, const Header& h, const std::vector<Row>& rows) {
    out << "CPU: " << h.cpu << "\nBLAS: " << h.blas_library << ", kernel " << h.blas_kernel
        << " (OPENBLAS_CORETYPE=" << (h.coretype_env.empty() ? "unset" : h.coretype_env) << ")\n";
    if (!h.note.empty()) out << "Note: " << h.note << "\n";
    out << "Load average at start: " << h.load << "\n\n";
    const int w = 44;
    out << std::left << std::setw(w) << "case" << std::setw(4) << "thr" << std::right
        << std::setw(12) << "xgrad" << std::setw(12) << "peer" << std::setw(8) << "ratio"
        << "  " << std::left << std::setw(16) << "(of)"
        << "target\n";
    out << std::string(w + 4 + 12 + 12 + 8 + 2 + 16 + 12, '-') << "\n";
    for (const auto& r : rows) {
        char ratio[16] = "-";
        if (r.ratio >= 0)
            std::snprintf(ratio, sizeof ratio,
                          r.ratio < 0.1  ? "%.2g"
                          : r.ratio < 10 ? "%.2f"
                                         : "%.1f",
                          r.ratio);
        out << std::left << std::setw(w) << r.name << std::setw(4) << r.threads << std::right
            << std::setw(12) << format_value(r.xgrad, r.unit) << std::setw(12)
            << format_value(r.peer_value, r.unit) << std::setw(8) << ratio << "  " << std::left
            << std::setw(16) << r.ratio_of;
        if (!r.target.empty()) out << r.target << (r.met ? "  met" : "  MISSED");
        out << "\n";
    }
}

namespace {
std::string quoted(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}
std::string number(double v) {
    if (v < 0) return "null";
    std::ostringstream s;
    s << std::setprecision(6) << v;
    return s.str();
}
}  // namespace

void write_json(std::ostream& out, const Header& h, const std::vector<Row>& rows) {
    out << "{\n  \"cpu\": " << quoted(h.cpu) << ",\n  \"blas_library\": " << quoted(h.blas_library)
        << ",\n  \"blas_kernel\": " << quoted(h.blas_kernel) << ",\n  \"openblas_coretype\": "
        << (h.coretype_env.empty() ? "null" : quoted(h.coretype_env))
        << ",\n  \"note\": " << quoted(h.note) << ",\n  \"load_average\": " << quoted(h.load)
        << ",\n  \"rows\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        out << "    {\"case\": " << quoted(r.name) << ", \"threads\": " << r.threads
            << ", \"unit\": " << quoted(r.unit) << ", \"xgrad\": " << number(r.xgrad)
            << ", \"peer\": " << quoted(r.peer) << ", \"peer_value\": " << number(r.peer_value)
            << ", \"ratio\": " << number(r.ratio) << ", \"ratio_of\": " << quoted(r.ratio_of)
            << ", \"target\": " << quoted(r.target) << ", \"met\": "
            << (r.target.empty() ? "null"
                : r.met          ? "true"
                                 : "false")
            << "}" << (i + 1 < rows.size() ? "," : "") << "\n";
    }
    out << "  ]\n}\n";
}

}  // namespace bench

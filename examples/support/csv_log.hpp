#pragma once
// Metrics as CSV: a header row, then one row per record, flushed as it goes so a run that is
// interrupted still leaves its numbers behind.

#include <fstream>
#include <iomanip>
#include <stdexcept>
#include <string>
#include <vector>

namespace examples {

class CsvLog {
public:
    CsvLog(const std::string& path, const std::vector<std::string>& columns) : out_(path) {
        if (!out_) throw std::runtime_error("cannot write " + path);
        out_ << std::setprecision(10);
        write_row(columns);
    }

    template <class... Values>
    void row(const Values&... values) {
        std::size_t i = 0;
        ((out_ << (i++ ? "," : "") << values), ...);
        out_ << '\n' << std::flush;
    }

    void row_of(const std::vector<double>& values) {
        for (std::size_t i = 0; i < values.size(); ++i) out_ << (i ? "," : "") << values[i];
        out_ << '\n' << std::flush;
    }

private:
    void write_row(const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) out_ << (i ? "," : "") << cells[i];
        out_ << '\n';
    }
    std::ofstream out_;
};

}  // namespace examples

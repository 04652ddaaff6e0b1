#include "xgrad/data/csv.hpp"

#include <charconv>
#include <cstdio>
#include <set>

#include "platform/posix_file.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::data {

namespace {

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

/// Splits one line into cells, honouring double quotes. FormatError for an unclosed quote.
std::vector<std::string> split(const std::string& line, char delimiter, const std::string& path,
                               std::size_t line_number) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    bool was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"' && trim(cell).empty()) {
            quoted = was_quoted = true;
            cell.clear();
        } else if (c == delimiter) {
            cells.push_back(was_quoted ? cell : trim(cell));
            cell.clear();
            was_quoted = false;
        } else {
            cell += c;
        }
    }
    if (quoted)
        throw FormatError("CSV file '" + path + "', line " + std::to_string(line_number) +
                          ": unclosed quote");
    cells.push_back(was_quoted ? cell : trim(cell));
    return cells;
}

bool parse_number(const std::string& cell, double& value) {
    const char* begin = cell.data();
    const char* end = begin + cell.size();
    if (begin != end && *begin == '+') ++begin;
    if (begin == end) return false;
    const auto result = std::from_chars(begin, end, value);
    return result.ec == std::errc() && result.ptr == end;
}

}  // namespace

CsvTable read_csv(const std::string& path, const CsvOptions& options) {
    const std::vector<unsigned char> bytes = io::detail::read_all(path);
    const std::string text(bytes.begin(), bytes.end());

    std::vector<std::string> columns;
    std::size_t label_index = 0;
    bool has_label = false;
    std::vector<double> features;
    std::vector<double> labels;
    std::size_t rows = 0;

    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (trim(line).empty()) continue;
        std::vector<std::string> cells = split(line, options.delimiter(), path, line_number);

        if (columns.empty()) {
            std::set<std::string> seen;
            for (std::size_t c = 0; c < cells.size(); ++c)
                if (!seen.insert(cells[c]).second)
                    throw FormatError("CSV file '" + path + "', line " +
                                      std::to_string(line_number) + ": column name '" + cells[c] +
                                      "' appears twice in the header");
            columns = std::move(cells);
            if (!options.label_column().empty()) {
                std::string listed;
                for (std::size_t c = 0; c < columns.size(); ++c) {
                    if (columns[c] == options.label_column()) {
                        label_index = c;
                        has_label = true;
                    }
                    listed += (c ? ", '" : "'") + columns[c] + "'";
                }
                if (!has_label)
                    throw ValueError("read_csv '" + path + "': no column named '" +
                                     options.label_column() + "'; the columns are " + listed);
            }
            continue;
        }
        if (cells.size() != columns.size())
            throw FormatError("CSV file '" + path + "', line " + std::to_string(line_number) +
                              ": " + std::to_string(cells.size()) + " cells, but the header has " +
                              std::to_string(columns.size()) + " columns");
        for (std::size_t c = 0; c < cells.size(); ++c) {
            double value = 0.0;
            if (!parse_number(cells[c], value))
                throw FormatError("CSV file '" + path + "', line " + std::to_string(line_number) +
                                  ", column " + std::to_string(c + 1) + " ('" + columns[c] +
                                  "'): '" + cells[c] + "' is not a number");
            (has_label && c == label_index ? labels : features).push_back(value);
        }
        ++rows;
    }
    if (columns.empty()) throw FormatError("CSV file '" + path + "': no header line (empty file)");

    CsvTable table;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (has_label && c == label_index)
            table.label_name = columns[c];
        else
            table.feature_names.push_back(columns[c]);
    }
    const auto as_tensor = [&](const std::vector<double>& values, const Shape& shape) {
        return make_leaf(dispatch(options.dtype(), [&](auto tag) -> Array {
            using T = decltype(tag);
            auto array = xt::xarray<T>::from_shape(shape);
            std::copy(values.begin(), values.end(), array.data());
            return Array(std::move(array));
        }));
    };
    table.features = as_tensor(features, {rows, table.feature_names.size()});
    if (has_label) table.labels = as_tensor(labels, {rows});
    return table;
}

namespace {
std::string quoted_if_needed(const std::string& name, char delimiter) {
    if (name.find(delimiter) == std::string::npos && name.find('"') == std::string::npos &&
        name == trim(name))
        return name;
    std::string result = "\"";
    for (char c : name) result += c == '"' ? std::string("\"\"") : std::string(1, c);
    return result + "\"";
}

std::string number(double value, DType dtype) {
    char text[32];
    // 9 significant digits read a float back exactly, 17 a double.
    std::snprintf(text, sizeof text, dtype == DType::Float32 ? "%.9g" : "%.17g", value);
    return text;
}
}  // namespace

void write_csv(const std::string& path, const CsvTable& table, char delimiter) {
    const Tensor& features = table.features;
    if (!features.defined() || features.dim() != 2 ||
        features.shape()[1] != table.feature_names.size())
        throw ShapeError("write_csv '" + path + "': expected features of shape (rows, " +
                         std::to_string(table.feature_names.size()) + "), got " +
                         (features.defined() ? shape_str(features.shape()) : "none"));
    const bool has_label = table.labels.defined();
    const std::size_t rows = features.shape()[0];
    if (has_label && (table.labels.dim() != 1 || table.labels.shape()[0] != rows))
        throw ShapeError("write_csv '" + path + "': expected labels of shape (" +
                         std::to_string(rows) + ",), got " + shape_str(table.labels.shape()));

    std::string out;
    for (std::size_t c = 0; c < table.feature_names.size(); ++c)
        out += (c ? std::string(1, delimiter) : "") +
               quoted_if_needed(table.feature_names[c], delimiter);
    if (has_label)
        out += (table.feature_names.empty() ? "" : std::string(1, delimiter)) +
               quoted_if_needed(table.label_name, delimiter);
    out += '\n';
    const std::vector<double> values = features.to_vector();
    const std::vector<double> labels = has_label ? table.labels.to_vector() : std::vector<double>();
    const std::size_t width = table.feature_names.size();
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < width; ++c)
            out += (c ? std::string(1, delimiter) : "") +
                   number(values[r * width + c], features.dtype());
        if (has_label)
            out +=
                (width ? std::string(1, delimiter) : "") + number(labels[r], table.labels.dtype());
        out += '\n';
    }
    io::detail::write_atomically(
        path, [&](int fd) { io::detail::write_all(fd, out.data(), out.size(), path); });
}

}  // namespace xgrad::data

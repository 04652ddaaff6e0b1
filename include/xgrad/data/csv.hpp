#pragma once
/// \file csv.hpp
/// Numeric tables in CSV: a header line naming the columns, then one row of numbers per line.
/// One column, chosen by name, holds the labels; the others are the features.

#include <string>
#include <vector>

#include "xgrad/arg.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::data {

/// How read_csv() reads a table.
class CsvOptions {
public:
    /// The other options keep their defaults until set by name:
    /// `CsvOptions("label").delimiter(';')`.
    CsvOptions(std::string label_column = "") : label_column_(std::move(label_column)) {}
    /// The former aggregate's positional spelling, `CsvOptions{label_column, delimiter, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    CsvOptions(std::string label_column, char delimiter, DType dtype = DType::Float32)
        : CsvOptions(std::move(label_column)) {
        this->delimiter(delimiter).dtype(dtype);
    }
    /// Name of the label column; empty means every column is a feature.
    XGRAD_ARG(std::string, label_column);
    /// Cell separator.
    XGRAD_ARG(char, delimiter) = ',';
    /// Element type of the tensors.
    XGRAD_ARG(DType, dtype) = DType::Float32;
};

/// A table split into features and labels.
struct CsvTable {
    /// Names of the feature columns, in file order.
    std::vector<std::string> feature_names;
    /// Name of the label column (empty when there is none).
    std::string label_name;
    /// (rows, features).
    Tensor features;
    /// (rows,); undefined when there is no label column.
    Tensor labels;
};

/// Reads a CSV file with a header line. Cells may be quoted ("..." with "" for a quote) and are
/// trimmed of spaces; blank lines are skipped; CRLF line ends are accepted. FormatError naming
/// the file, line and column for a cell that is not a number, a row with the wrong number of
/// cells, an empty file or a repeated column name; ValueError when the label column does not
/// exist (the message lists the columns).
CsvTable read_csv(const std::string& path, const CsvOptions& options = {});

/// Writes `table` with a header line, the features first and the label column (if any) last,
/// every number with enough digits to read back exactly.
void write_csv(const std::string& path, const CsvTable& table, char delimiter = ',');

}  // namespace xgrad::data

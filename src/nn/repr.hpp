#pragma once
// Settings as PyTorch prints them in a module's repr (its extra_repr), so that printing an xgrad
// model reads like printing the torch one: Python's float repr, True/False, tuples.

#include <charconv>
#include <cstddef>
#include <string>
#include <system_error>
#include <typeinfo>

namespace xgrad::nn::detail {

/// Python's repr of a float: the shortest digits that round-trip, positional for exponents in
/// [-4, 16) with at least one decimal ("0.1", "1.0", "0.0001"), otherwise "1e-05", "1e+16".
inline std::string number_str(double value) {
    char buffer[64];
    const auto [end, error] =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string text(buffer, error == std::errc() ? end : buffer);
    const auto e = text.find('e');
    if (e == std::string::npos) return text;  // "inf", "-inf", "nan", as Python prints them
    const int exponent = std::stoi(text.substr(e + 1));
    if (exponent < -4 || exponent >= 16) return text;  // to_chars writes "1e-05" as Python does
    const bool negative = text[0] == '-';
    std::string digits;  // the significant digits without the point
    for (std::size_t i = negative ? 1 : 0; i < e; ++i)
        if (text[i] != '.') digits += text[i];
    std::string out;
    if (exponent < 0) {
        out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
        const auto whole = static_cast<std::size_t>(exponent) + 1;
        if (digits.size() < whole) digits += std::string(whole - digits.size(), '0');
        out = digits.substr(0, whole) + "." + (digits.size() > whole ? digits.substr(whole) : "0");
    }
    return negative ? "-" + out : out;
}

/// A whole number as a Python int would print ("1", "20"), anything else as a float ("0.5").
inline std::string int_or_number_str(double value) {
    if (value == static_cast<double>(static_cast<long long>(value)))
        return std::to_string(static_cast<long long>(value));
    return number_str(value);
}

/// The demangled name of a C++ type ("xgrad::nn::Linear"), for messages (module_repr.cpp).
std::string type_name(const std::type_info& type);

inline const char* bool_str(bool value) { return value ? "True" : "False"; }

/// "(3, 3)": a pair as a Python tuple.
inline std::string pair_str(std::size_t h, std::size_t w) {
    return "(" + std::to_string(h) + ", " + std::to_string(w) + ")";
}

/// "2" for a square setting, "(2, 3)" otherwise: torch prints a pooling layer's sizes as they
/// were given, and nn.MaxPool2d(2) is the usual spelling of a square one.
inline std::string int_or_pair_str(std::size_t h, std::size_t w) {
    return h == w ? std::to_string(h) : pair_str(h, w);
}

}  // namespace xgrad::nn::detail

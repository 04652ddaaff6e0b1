#pragma once
// Force-included into the WebAssembly build only: the libc++ of Debian's emscripten 3.1.6 has no
// floating-point std::to_chars, which xgrad's optimizer state dicts use for the shortest text of
// a double. This overload keeps that guarantee: the shortest %g text that reads back to the same
// double.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace std {
inline to_chars_result to_chars(char* first, char* last, double value) {
    char text[32];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*g", precision, value);
        if (std::strtod(text, nullptr) == value || precision == 17) break;
    }
    const std::size_t length = std::strlen(text);
    if (static_cast<std::size_t>(last - first) < length) return {last, std::errc::value_too_large};
    std::memcpy(first, text, length);
    return {first + length, std::errc()};
}
}  // namespace std

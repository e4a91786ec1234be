#pragma once
#include <string>
#include <string_view>

namespace parlance {

// Python's html.unescape(), reproduced exactly: named references from the full
// HTML5 table (longest-prefix match when the ";" is missing), decimal and hex
// references with the HTML5 remapping of invalid code points.
std::string html_unescape(std::string_view s);

}  // namespace parlance

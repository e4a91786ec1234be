#pragma once
// Checks of numeric options whose failures read as a sentence ("--temperature:
// 0 is not > 0"): CLI11's PositiveNumber and NonNegativeNumber print their
// range up to DBL_MAX, a number 300 digits long.
#include <CLI/CLI.hpp>

namespace parlance::cli {

CLI::Validator greater_than(double bound);
CLI::Validator at_least(double bound);

}  // namespace parlance::cli

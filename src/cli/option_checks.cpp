#include "cli/option_checks.h"

#include <fmt/format.h>

#include <string>

namespace parlance::cli {

namespace {

CLI::Validator bound_check(double bound, bool strict) {
  const std::string want = (strict ? "> " : ">= ") + fmt::format("{:g}", bound);
  return CLI::Validator(
      [bound, strict, want](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v)) return "\"" + text + "\" is not a number";
        return (strict ? v > bound : v >= bound) ? "" : text + " is not " + want;
      },
      want);
}

}  // namespace

CLI::Validator greater_than(double bound) { return bound_check(bound, true); }
CLI::Validator at_least(double bound) { return bound_check(bound, false); }

}  // namespace parlance::cli

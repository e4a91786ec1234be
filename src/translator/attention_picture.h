#pragma once
// A translation's attention as a picture (lesson 11 looks at these to see
// what the decoder reads): rows are the output tokens, plus xxeos when the
// model attended while producing it; columns are the source tokens as the
// model read them, xxeos included. Used by `translate --attention` and by the
// translator's end-of-training report (RUN/valid_report.svg).
#include <torch/torch.h>

#include <string>
#include <vector>

namespace parlance {

// attention: (rows ≥ output.size(), ≥ source.size()), weights in [0, 1]; the
// first output.size() (+1 for xxeos) rows and source.size() columns are drawn.
std::string attention_svg(const torch::Tensor& attention, std::vector<std::string> output,
                          const std::vector<std::string>& source, const std::string& title);

}  // namespace parlance

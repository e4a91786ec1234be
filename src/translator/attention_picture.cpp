#include "translator/attention_picture.h"

#include "plot/heatmap.h"

namespace parlance {

std::string attention_svg(const torch::Tensor& attention, std::vector<std::string> output,
                          const std::vector<std::string>& source, const std::string& title) {
  if (attention.size(0) > static_cast<int64_t>(output.size())) output.push_back("xxeos");
  // contiguous after narrowing: the loop below reads rows source.size() apart
  const torch::Tensor a = attention.detach()
                              .to(torch::kCPU, torch::kFloat64)
                              .narrow(0, 0, static_cast<int64_t>(output.size()))
                              .narrow(1, 0, static_cast<int64_t>(source.size()))
                              .contiguous();
  std::vector<std::vector<double>> values(output.size(), std::vector<double>(source.size()));
  const double* p = a.data_ptr<double>();
  for (size_t r = 0; r < output.size(); ++r)
    for (size_t c = 0; c < source.size(); ++c) values[r][c] = p[r * source.size() + c];
  return heatmap_svg(values, output, source, title, {"output", "source", /*values_in_cells=*/false, /*decimals=*/3});
}

}  // namespace parlance

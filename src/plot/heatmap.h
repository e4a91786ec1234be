#pragma once
// A labelled matrix as an SVG heat map (attention: output words × source
// words; later the classifier's confusion matrix): one cell per value on a
// white → blue scale from 0 to the largest value, row labels on the left,
// column labels rotated along the top, the value in each cell's tooltip.
#include <string>
#include <vector>

namespace parlance {

// values[r][c]; throws std::invalid_argument when the sizes disagree.
std::string heatmap_svg(const std::vector<std::vector<double>>& values, const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const std::string& title);

}  // namespace parlance

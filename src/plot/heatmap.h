#pragma once
// A labelled matrix as an SVG heat map (attention: output words × source
// words; the classifier's confusion matrix: true × predicted class): one cell
// per value on a white → blue scale from 0 to the largest value, row labels on
// the left, column labels rotated along the top, the value in each cell's
// tooltip and, when asked, written in the cell.
#include <string>
#include <vector>

namespace parlance {

struct HeatmapStyle {
  std::string row_title, col_title;  // what rows and columns are ("actual", "predicted"); "" for none
  bool values_in_cells = false;      // write each value in its cell (counts of a confusion matrix)
  int decimals = 3;                  // of the values shown
};

// values[r][c]; throws std::invalid_argument when the sizes disagree.
std::string heatmap_svg(const std::vector<std::vector<double>>& values, const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const std::string& title,
                        const HeatmapStyle& style = {});

}  // namespace parlance

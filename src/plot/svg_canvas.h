#pragma once
// A small SVG writer: the one place that spells SVG elements, escapes text and
// formats coordinates, for every picture parlance draws (attention matrices
// and confusion matrices, training curves, lr-find).
#include <string>
#include <utility>
#include <vector>

namespace parlance {

class SvgCanvas {
 public:
  SvgCanvas(double width, double height);
  // stroke: an outline colour, "" for none; opacity of the fill in [0, 1].
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& title = "",
            const std::string& stroke = "", double opacity = 1);
  // dash: an SVG stroke-dasharray ("4 3"), "" for a solid line.
  void line(double x1, double y1, double x2, double y2, const std::string& stroke = "#000", double width = 1,
            const std::string& dash = "");
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke, double width = 1.5,
                const std::string& dash = "");
  void circle(double x, double y, double r, const std::string& fill, const std::string& title = "");
  // anchor: "start" | "middle" | "end"; rotate: degrees about (x, y).
  void text(double x, double y, const std::string& s, double size = 12, const std::string& anchor = "start",
            double rotate = 0, const std::string& fill = "");
  std::string str() const;  // the finished document

 private:
  double width_, height_;
  std::string body_;
};

// Text made safe for SVG character data and attribute values.
std::string svg_escape(const std::string& s);
// A colour on a white → dark blue scale for v in [0, 1] (clamped), as "#rrggbb".
std::string blue_scale(double v);

}  // namespace parlance

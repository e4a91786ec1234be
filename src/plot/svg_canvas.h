#pragma once
// A small SVG writer: the one place that spells SVG elements, escapes text and
// formats coordinates, for every picture parlance draws (attention matrices
// now; training curves, lr-find and confusion matrices as they move onto it).
#include <string>

namespace parlance {

class SvgCanvas {
 public:
  SvgCanvas(double width, double height);
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& title = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke = "#000", double width = 1);
  // anchor: "start" | "middle" | "end"; rotate: degrees about (x, y).
  void text(double x, double y, const std::string& s, double size = 12, const std::string& anchor = "start",
            double rotate = 0);
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

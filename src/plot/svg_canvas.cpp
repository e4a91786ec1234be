#include "plot/svg_canvas.h"

#include <algorithm>
#include <cstdio>

namespace parlance {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string num2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string stroke_attrs(const std::string& stroke, double width, const std::string& dash) {
  std::string a = " stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\"";
  if (!dash.empty()) a += " stroke-dasharray=\"" + dash + "\"";
  return a;
}

}  // namespace

std::string svg_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string blue_scale(double v) {
  v = std::clamp(v, 0.0, 1.0);
  // white (255,255,255) → (8,48,107), the end of matplotlib's "Blues"
  auto mix = [&](int hi, int lo) { return static_cast<int>(hi + (lo - hi) * v + 0.5); };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(255, 8), mix(255, 48), mix(255, 107));
  return buf;
}

SvgCanvas::SvgCanvas(double width, double height) : width_(width), height_(height) {}

void SvgCanvas::rect(double x, double y, double w, double h, const std::string& fill, const std::string& title,
                     const std::string& stroke, double opacity) {
  body_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
           "\" fill=\"" + fill + "\"";
  if (!stroke.empty()) body_ += " stroke=\"" + stroke + "\"";
  if (opacity < 1) body_ += " fill-opacity=\"" + num2(opacity) + "\"";
  body_ += title.empty() ? "/>\n" : "><title>" + svg_escape(title) + "</title></rect>\n";
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
                     const std::string& dash) {
  body_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
           "\"" + stroke_attrs(stroke, width, dash) + "/>\n";
}

void SvgCanvas::polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke, double width,
                         const std::string& dash) {
  body_ += "<polyline fill=\"none\"" + stroke_attrs(stroke, width, dash) + " points=\"";
  for (const auto& [x, y] : points) body_ += num(x) + "," + num(y) + " ";
  body_ += "\"/>\n";
}

void SvgCanvas::circle(double x, double y, double r, const std::string& fill, const std::string& title) {
  body_ += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"" + fill + "\"";
  body_ += title.empty() ? "/>\n" : "><title>" + svg_escape(title) + "</title></circle>\n";
}

void SvgCanvas::text(double x, double y, const std::string& s, double size, const std::string& anchor, double rotate,
                     const std::string& fill) {
  body_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(size) + "\" text-anchor=\"" + anchor + "\"";
  if (!fill.empty()) body_ += " fill=\"" + fill + "\"";
  if (rotate != 0) body_ += " transform=\"rotate(" + num(rotate) + " " + num(x) + " " + num(y) + ")\"";
  body_ += ">" + svg_escape(s) + "</text>\n";
}

std::string SvgCanvas::str() const {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width_) + "\" height=\"" + num(height_) +
         "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body_ + "</svg>\n";
}

}  // namespace parlance

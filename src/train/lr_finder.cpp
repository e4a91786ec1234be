#include "train/lr_finder.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "util/atomic_file.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

// A log-x plot of the sweep as SVG: an image any browser shows, no plotting library.
std::string lr_find_svg(const std::vector<LrFindPoint>& pts) {
  const double w = 640, h = 400, m = 50;
  double lo = 1e300, hi = -1e300, x0 = std::log10(pts.front().lr), x1 = std::log10(pts.back().lr);
  for (const auto& p : pts) lo = std::min(lo, p.smoothed_loss), hi = std::max(hi, p.smoothed_loss);
  if (hi <= lo) hi = lo + 1;
  if (x1 <= x0) x1 = x0 + 1;
  auto X = [&](double lr) { return m + (std::log10(lr) - x0) / (x1 - x0) * (w - 2 * m); };
  auto Y = [&](double l) { return h - m - (l - lo) / (hi - lo) * (h - 2 * m); };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\">\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"";
  char buf[64];
  for (const auto& p : pts) {
    std::snprintf(buf, sizeof buf, "%.1f,%.1f ", X(p.lr), Y(p.smoothed_loss));
    svg += buf;
  }
  svg += "\"/>\n";
  for (int e = static_cast<int>(std::ceil(x0)); e <= static_cast<int>(std::floor(x1)); ++e) {
    std::snprintf(buf, sizeof buf, "%.1f", X(std::pow(10.0, e)));
    svg += "<text x=\"" + std::string(buf) + "\" y=\"" + std::to_string(static_cast<int>(h - m + 20)) +
           "\" font-size=\"12\" text-anchor=\"middle\">1e" + std::to_string(e) + "</text>\n";
  }
  svg += "<text x=\"320\" y=\"390\" font-size=\"13\" text-anchor=\"middle\">learning rate (log scale)</text>\n";
  svg += "<text x=\"15\" y=\"200\" font-size=\"13\" transform=\"rotate(-90 15 200)\" text-anchor=\"middle\">smoothed loss</text>\n</svg>\n";
  return svg;
}

}  // namespace

std::vector<LrFindPoint> lr_find(Task& task, TrainSession& ses, Communicator& comm, double start_lr, double end_lr,
                                 int64_t iters) {
  c10::OptionalDeviceGuard device_guard;
  if (ses.device().is_cuda()) device_guard.reset_device(ses.device());
  ses.model().train();
  std::vector<LrFindPoint> pts;
  double avg = 0, best = 1e300;
  int64_t epoch = 0, steps = task.steps_in_epoch(0);
  task.begin_epoch(0);
  for (int64_t i = 0, k = 0; i < iters; ++i, ++k) {
    if (k == steps) {  // more iterations than one epoch has: keep going
      steps = task.steps_in_epoch(++epoch);
      task.begin_epoch(epoch);
      k = 0;
    }
    const double lr = start_lr * std::pow(end_lr / start_lr, static_cast<double>(i) / static_cast<double>(iters - 1));
    ses.set_hyper(lr, -1);
    StepLoss loss;
    {
      auto autocast = ses.autocast();
      loss = task.step(k);
    }
    ses.backward(loss.objective, /*sync=*/true);
    ses.optimizer_step();
    torch::Tensor l = torch::tensor({loss.sum.item<double>() / static_cast<double>(std::max<int64_t>(loss.count, 1))},
                                    torch::kFloat64);
    comm.allreduce(l, ReduceOp::Avg);
    const double raw = l.item<double>();
    avg = 0.98 * avg + 0.02 * raw;  // fastai's smoothing, bias-corrected
    const double smooth = avg / (1 - std::pow(0.98, static_cast<double>(i + 1)));
    pts.push_back({lr, raw, smooth});
    best = std::min(best, smooth);
    if (!std::isfinite(smooth) || smooth > 4 * best) break;  // the loss exploded
  }
  return pts;
}

void write_lr_find(const std::string& dir, const std::vector<LrFindPoint>& pts) {
  fs::create_directories(dir);
  std::string csv = "lr,loss,smoothed_loss\n";
  char line[96];
  for (const auto& p : pts) {
    std::snprintf(line, sizeof line, "%.6g,%.6f,%.6f\n", p.lr, p.loss, p.smoothed_loss);
    csv += line;
  }
  write_file_atomically((fs::path(dir) / "lr_find.csv").string(), csv);
  write_file_atomically((fs::path(dir) / "lr_find.svg").string(), lr_find_svg(pts));
}

}  // namespace parlance

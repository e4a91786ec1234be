#include "train/lr_finder.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "plot/line_chart.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

std::string lr_find_svg(const std::vector<LrFindPoint>& pts) {
  // The smoothed loss only, as fastai plots it: the raw loss (in the CSV) is
  // noisy and its last, exploded value would squash the curve.
  Series smooth{"", palette(0), {}, {}, "", 2};
  for (const auto& p : pts) smooth.x.push_back(p.lr), smooth.y.push_back(p.smoothed_loss);
  const LrSuggestion s = suggest_lr(pts);
  char min_label[64], steep_label[64];
  std::snprintf(min_label, sizeof min_label, "minimum %.2e (loss %.3f)", pts[s.minimum].lr, pts[s.minimum].smoothed_loss);
  std::snprintf(steep_label, sizeof steep_label, "suggested %.2e (steepest)", pts[s.steepest].lr);
  Panel p{"lr-find", "learning rate (log scale)", "smoothed loss", true, {smooth},
          {{pts[s.steepest].lr, steep_label, "#2ca02c", pts[s.steepest].smoothed_loss},
           {pts[s.minimum].lr, min_label, "#d62728", pts[s.minimum].smoothed_loss}}};
  return chart_svg({p}, 1, 640, 400);
}

}  // namespace

LrSuggestion suggest_lr(const std::vector<LrFindPoint>& pts) {
  LrSuggestion s;
  for (size_t i = 0; i < pts.size(); ++i)
    if (pts[i].smoothed_loss < pts[s.minimum].smoothed_loss) s.minimum = i;
  // fastai v1 skips 10 points at the start and 5 at the end; with too few left, none.
  size_t first = 10, last = pts.size() >= 5 ? pts.size() - 5 : 0;
  if (last < first + 2) first = 0, last = pts.size();
  s.steepest = s.minimum;
  if (last - first < 2) return s;
  double best = INFINITY;
  for (size_t i = first; i < last; ++i) {
    // numpy.gradient: central differences inside, one-sided at both ends
    const size_t lo = i == first ? i : i - 1, hi = i + 1 == last ? i : i + 1;
    const double g = (pts[hi].smoothed_loss - pts[lo].smoothed_loss) / static_cast<double>(hi - lo);
    if (g < best) best = g, s.steepest = i;
  }
  return s;
}

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
  create_output_folder(dir, "the lr-find folder");
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

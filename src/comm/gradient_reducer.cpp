#include "comm/gradient_reducer.h"

#include <stdexcept>

namespace parlance {

GradientReducer::GradientReducer(Communicator& comm, std::vector<torch::Tensor> params, int64_t first_bucket_bytes,
                                 int64_t bucket_cap_bytes)
    : comm_(comm),
      owner_(std::this_thread::get_id()),
      params_(std::move(params)),
      first_bytes_(first_bucket_bytes),
      cap_bytes_(bucket_cap_bytes) {
  hooked_.assign(params_.size(), false);
  rebuild();
}

void GradientReducer::hook_trainable() {
  for (size_t i = 0; i < params_.size(); ++i) {
    // LibTorch refuses hooks on tensors that need no gradient, so a parameter
    // frozen from the start gets its hook when it is first unfrozen. The hook
    // sees the full gradient of this backward (all uses summed) just before it
    // is accumulated into .grad; it leaves the gradient unchanged. A frozen
    // parameter gets no gradient, so its hook stays silent.
    if (hooked_[i] || !params_[i].requires_grad()) continue;
    params_[i].register_hook([this, i](torch::Tensor grad) {
      on_grad(i, grad);
      return grad;
    });
    hooked_[i] = true;
  }
}

void GradientReducer::rebuild() {
  hook_trainable();
  buckets_.clear();
  slot_.assign(params_.size(), {-1, 0});
  Bucket current;
  int64_t bytes = 0;
  auto close = [&] {
    if (current.params.empty()) return;
    int64_t n = 0;
    for (size_t p : current.params) current.offsets.push_back(n), n += params_[p].numel();
    current.flat = torch::zeros({n}, params_[current.params[0]].options());
    for (size_t k = 0; k < current.params.size(); ++k)
      slot_[current.params[k]] = {static_cast<int>(buckets_.size()), static_cast<int64_t>(k)};
    buckets_.push_back(std::move(current));
    current = Bucket{};
    bytes = 0;
  };
  for (size_t i = params_.size(); i-- > 0;) {
    const auto& p = params_[i];
    if (!p.requires_grad()) continue;
    const int64_t limit = buckets_.empty() ? first_bytes_ : cap_bytes_;
    const int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
    bool dtype_change = !current.params.empty() && params_[current.params[0]].scalar_type() != p.scalar_type();
    if (!current.params.empty() && (bytes + size > limit || dtype_change)) close();
    current.params.push_back(i);
    bytes += size;
  }
  close();
}

void GradientReducer::broadcast_parameters() {
  torch::NoGradGuard no_grad;
  for (auto& p : params_) {
    torch::Tensor t = p.detach().contiguous();
    comm_.broadcast(t, 0);
    if (t.data_ptr() != p.data_ptr()) p.detach().copy_(t);
  }
}

void GradientReducer::prepare(bool sync) {
  syncing_ = sync;
  if (!sync) return;
  for (auto& b : buckets_) {
    b.flat.zero_();
    b.pending = b.params.size();
    b.work.reset();
  }
  next_launch_ = 0;
}

void GradientReducer::on_grad(size_t param, const torch::Tensor& grad) {
  if (!syncing_) return;
  auto [b, k] = slot_[param];
  if (b < 0) return;  // frozen when the buckets were built
  Bucket& bucket = buckets_[static_cast<size_t>(b)];
  torch::NoGradGuard no_grad;
  const auto& p = params_[param];
  torch::Tensor view = bucket.flat.narrow(0, bucket.offsets[static_cast<size_t>(k)], p.numel()).view(p.sizes());
  // Earlier micro-batches of this window are already summed in .grad.
  if (p.grad().defined())
    torch::add_out(view, p.grad(), grad);
  else
    view.copy_(grad);
  view.div_(comm_.size());
  const bool may_call = comm_.serves_any_thread() || std::this_thread::get_id() == owner_;
  if (--bucket.pending == 0 && may_call) launch_ready();
}

void GradientReducer::launch_ready() {
  while (next_launch_ < buckets_.size() && buckets_[next_launch_].pending == 0) {
    Bucket& b = buckets_[next_launch_++];
    b.work = comm_.allreduce_async(b.flat, ReduceOp::Sum);
  }
}

void GradientReducer::finalize() {
  if (!syncing_) throw std::logic_error("GradientReducer::finalize after a non-sync micro-batch");
  // Parameters that took no part in this backward keep a zero gradient, and
  // their buckets still launch, in order, so no rank waits for another.
  for (auto& b : buckets_) b.pending = 0;
  launch_ready();
  torch::NoGradGuard no_grad;
  for (auto& b : buckets_) {
    b.work->wait();
    for (size_t k = 0; k < b.params.size(); ++k) {
      auto& p = params_[b.params[k]];
      torch::Tensor avg = b.flat.narrow(0, b.offsets[k], p.numel()).view(p.sizes());
      if (p.grad().defined())
        p.mutable_grad().copy_(avg);
      else
        p.mutable_grad() = avg.clone();
    }
  }
  syncing_ = false;
}

std::vector<std::vector<size_t>> GradientReducer::bucket_layout() const {
  std::vector<std::vector<size_t>> out;
  for (const auto& b : buckets_) out.push_back(b.params);
  return out;
}

}  // namespace parlance

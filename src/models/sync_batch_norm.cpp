#include "models/sync_batch_norm.h"

#include "util/error.h"

namespace parlance {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The communicator travels through the autograd context as an integer: the
// context's saved data holds IValues only. It outlives every backward (the
// training session owns it for the whole run).
class SumOverRanks : public torch::autograd::Function<SumOverRanks> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, int64_t comm) {
    ctx->saved_data["comm"] = comm;
    torch::Tensor y = x.contiguous().clone();
    reinterpret_cast<Communicator*>(comm)->allreduce(y, ReduceOp::Sum);
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad) {
    torch::Tensor g = grad[0].contiguous().clone();
    reinterpret_cast<Communicator*>(ctx->saved_data["comm"].toInt())->allreduce(g, ReduceOp::Sum);
    return {g, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor sum_over_ranks_differentiable(const torch::Tensor& x, Communicator& comm) {
  return SumOverRanks::apply(x, reinterpret_cast<int64_t>(&comm));
}

SyncBatchNorm1d::SyncBatchNorm1d(int64_t features, double eps, double momentum) : eps_(eps), momentum_(momentum) {
  weight_ = register_parameter("weight", torch::ones({features}));
  bias_ = register_parameter("bias", torch::zeros({features}));
  running_mean_ = register_buffer("running_mean", torch::zeros({features}));
  running_var_ = register_buffer("running_var", torch::ones({features}));
  num_batches_tracked_ = register_buffer("num_batches_tracked", torch::zeros({}, torch::kInt64));
}

torch::Tensor SyncBatchNorm1d::forward(const torch::Tensor& input) {
  // fp32 under autocast (bf16/fp16 inputs); fp64 models stay fp64.
  const auto out_type = input.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
  if (!is_training()) {
    const torch::Tensor x = input.to(out_type);
    return (x - running_mean_) * torch::rsqrt(running_var_ + eps_) * weight_ + bias_;
  }
  // Statistics in fp64: sums over ranks and over a large batch then agree
  // to rounding, whatever the batch is split into (the head is small).
  const torch::Tensor x = input.to(torch::kFloat64);
  const bool sync = comm_ != nullptr && comm_->size() > 1;
  auto over_ranks = [&](const torch::Tensor& t) { return sync ? sum_over_ranks_differentiable(t, *comm_) : t; };
  // Two passes (mean, then squared deviations) rather than E[x²] - E[x]²,
  // which loses precision when the mean is large against the spread.
  // The row count n stays a tensor beside the sums: reading it on the host
  // would wait for the GPU at every forward. Only a rank holding fewer than 2
  // rows reads it, to refuse a global batch BatchNorm cannot normalize.
  const torch::Tensor sum_n = over_ranks(torch::cat({x.sum(0), torch::full({1}, x.size(0), x.options())}));
  const torch::Tensor n = sum_n.narrow(0, x.size(1), 1);
  if (x.size(0) < 2) {
    const auto rows = static_cast<int64_t>(n.item<double>());
    if (rows < 2) throw UserError("BatchNorm needs at least 2 rows per training batch over all ranks (got " +
                                  std::to_string(rows) + "): raise train.bs");
  }
  const torch::Tensor mean = sum_n.narrow(0, 0, x.size(1)) / n;
  const torch::Tensor centered = x - mean;
  const torch::Tensor var = over_ranks((centered * centered).sum(0)) / n;  // biased, as BatchNorm normalizes
  {
    torch::NoGradGuard no_grad;
    running_mean_.mul_(1 - momentum_).add_(mean.detach().to(running_mean_.scalar_type()), momentum_);
    running_var_.mul_(1 - momentum_).add_((var.detach() * (n / (n - 1))).to(running_var_.scalar_type()), momentum_);  // unbiased, as PyTorch
    num_batches_tracked_.add_(1);
  }
  return (centered * torch::rsqrt(var + eps_)).to(out_type) * weight_ + bias_;
}

}  // namespace parlance

// bench/lstm_recurrence.cu: is cuDNN's per-time-step LSTM the floor on a
// Hopper GPU? A measurement for the GPU-speed issue, not part of the build.
//
// The recurrent half of an LSTM layer's forward pass (the input half,
// x W_ih^T + b, is one large GEMM done before it, here given as Gx):
//   gates_t = Gx_t + h_{t-1} W_hh^T ; c_t = f c_{t-1} + i g ; h_t = o tanh(c_t)
// three ways, timed per time step and compared:
//   step-fp32  one cuBLAS SGEMM + one pointwise kernel per step (full fp32)
//   step-tf32  the same with TF32 tensor cores, cuDNN's default for fp32 RNNs
//   persistent one cooperative kernel for all steps: each block keeps its
//              slice of W_hh (bf16) in shared memory for the whole sequence,
//              multiplies h_{t-1} (bf16, from L2) on tensor cores (WMMA,
//              fp32 accumulation), applies the gates, keeps c in fp32, and
//              meets the other blocks at a grid barrier once per step.
// Prints µs per step and the persistent kernel's largest |h| difference from
// the fp32 result (bf16 operands: a few 1e-3 expected).
//
// Then the recurrent half of the backward pass, from the last step to the
// first (the large GEMMs for dW_ih, dW_hh, db and dx come after it, from the
// gate gradients of every step):
//   dh_t = dY_t + dG_{t+1} W_hh ; dc_t = dc_{t+1} f_{t+1} + dh_t o (1 - tanh^2 c_t)
//   dG_t = [dc_t g i(1-i), dc_t c_{t-1} f(1-f), dc_t i (1-g^2), dh_t tanh(c_t) o(1-o)]
// the same three ways (per step: a pointwise kernel + one cuBLAS GEMM, B x 4H
// times 4H x H; persistent: each block keeps the 4H columns of W_hh that feed
// its hidden units in shared memory, stages the previous step's dG (bf16,
// from L2) in chunks, multiplies them on tensor cores split over K among its
// warps, and keeps dc in fp32). Prints the largest |dG| difference from fp32
// relative to the largest |dG|.
// Build and run on the GPU machine:
//   nvcc -O3 -arch=sm_90 -o lstm_recurrence bench/lstm_recurrence.cu -lcublas && ./lstm_recurrence 64 1150 70
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#define CHECK(call)                                                                                        \
  do {                                                                                                     \
    cudaError_t e_ = (call);                                                                               \
    if (e_ != cudaSuccess) {                                                                               \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_));          \
      std::exit(1);                                                                                        \
    }                                                                                                      \
  } while (0)
#define CHECK_BLAS(call)                                                                                   \
  do {                                                                                                     \
    cublasStatus_t s_ = (call);                                                                            \
    if (s_ != CUBLAS_STATUS_SUCCESS) {                                                                     \
      std::fprintf(stderr, "%s:%d: %s: cuBLAS status %d\n", __FILE__, __LINE__, #call, static_cast<int>(s_)); \
      std::exit(1);                                                                                        \
    }                                                                                                      \
  } while (0)

using bf16 = __nv_bfloat16;
namespace wmma = nvcuda::wmma;

__device__ __forceinline__ float sigmoidf(float x) { return 1.f / (1.f + __expf(-x)); }

// --- per-step reference -------------------------------------------------------

// One cell's backward: the gate gradients before activation and the cell
// gradient carried to the step before. dh: the gradient reaching h_t (from
// above and from step t+1); dc_next: the one carried from step t+1; i f g o:
// this step's gate activations; c, c_prev: c_t and c_{t-1}.
struct CellGrads {
  float di, df, dg, dout, dc_prev;
};
__device__ __forceinline__ CellGrads lstm_cell_backward(float dh, float dc_next, float i, float f, float g, float o,
                                                        float c, float c_prev) {
  const float tc = tanhf(c), dc = dc_next + dh * o * (1.f - tc * tc);
  return {dc * g * i * (1.f - i), dc * c_prev * f * (1.f - f), dc * i * (1.f - g * g), dh * tc * o * (1.f - o), dc * f};
}

// G: (B, 4H) gates before activation; c: (B, H) in/out; h_out: (B, H). With
// acts and c_out (the backward's reference), also this step's activations
// (B, 4H: i f g o) and c_t (B, H).
__global__ void lstm_pointwise(const float* G, float* c, float* h_out, int B, int H, float* acts = nullptr,
                               float* c_out = nullptr) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= B * H) return;
  int b = idx / H, u = idx % H;
  const float* g = G + static_cast<size_t>(b) * 4 * H;
  float i = sigmoidf(g[u]), f = sigmoidf(g[H + u]), gg = tanhf(g[2 * H + u]), o = sigmoidf(g[3 * H + u]);
  float cn = f * c[idx] + i * gg;
  c[idx] = cn;
  h_out[idx] = o * tanhf(cn);
  if (acts) {
    float* a = acts + static_cast<size_t>(b) * 4 * H;
    a[u] = i, a[H + u] = f, a[2 * H + u] = gg, a[3 * H + u] = o;
    c_out[idx] = cn;
  }
}

// out: (T, B, H). h_{t-1} is out[t-1] (zeros for t = 0), c starts at zero.
// acts (T, B, 4H) and cs (T, B, H), when given, keep what the backward needs.
void run_step_reference(cublasHandle_t blas, const float* Gx, const float* W, float* G, float* c, const float* h0,
                        float* out, int T, int B, int H, float* acts = nullptr, float* cs = nullptr) {
  CHECK(cudaMemsetAsync(c, 0, sizeof(float) * B * H));
  const float one = 1.f;
  for (int t = 0; t < T; ++t) {
    const float* hprev = t == 0 ? h0 : out + static_cast<size_t>(t - 1) * B * H;
    CHECK(cudaMemcpyAsync(G, Gx + static_cast<size_t>(t) * B * 4 * H, sizeof(float) * B * 4 * H,
                          cudaMemcpyDeviceToDevice));
    // Row-major G(B x 4H) += h(B x H) W^T: column-major G^T(4H x B) += W(4H x H) h^T.
    CHECK_BLAS(cublasSgemm(blas, CUBLAS_OP_T, CUBLAS_OP_N, 4 * H, B, H, &one, W, H, hprev, H, &one, G, 4 * H));
    lstm_pointwise<<<(B * H + 255) / 256, 256>>>(G, c, out + static_cast<size_t>(t) * B * H, B, H,
                                                 acts ? acts + static_cast<size_t>(t) * B * 4 * H : nullptr,
                                                 cs ? cs + static_cast<size_t>(t) * B * H : nullptr);
  }
}

// One step of the reference backward. dy_t, dhrec (dG_{t+1} W_hh, zeros at the
// last step), c_t, c_prev (null at t = 0), dc (carried): (B, H); acts_t, dG_t: (B, 4H).
__global__ void lstm_pointwise_backward(const float* dy_t, const float* dhrec, const float* acts_t, const float* c_t,
                                        const float* c_prev, float* dc, float* dG_t, int B, int H) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= B * H) return;
  int b = idx / H, u = idx % H;
  const float* a = acts_t + static_cast<size_t>(b) * 4 * H;
  const CellGrads d = lstm_cell_backward(dy_t[idx] + dhrec[idx], dc[idx], a[u], a[H + u], a[2 * H + u], a[3 * H + u],
                                         c_t[idx], c_prev ? c_prev[idx] : 0.f);
  float* g = dG_t + static_cast<size_t>(b) * 4 * H;
  g[u] = d.di, g[H + u] = d.df, g[2 * H + u] = d.dg, g[3 * H + u] = d.dout;
  dc[idx] = d.dc_prev;
}

// dy, cs: (T, B, H); acts, dG: (T, B, 4H); dhrec, dc: (B, H) scratch.
void run_step_backward_reference(cublasHandle_t blas, const float* dy, const float* W, const float* acts,
                                 const float* cs, float* dhrec, float* dc, float* dG, int T, int B, int H) {
  const size_t bh = static_cast<size_t>(B) * H;
  CHECK(cudaMemsetAsync(dhrec, 0, sizeof(float) * bh));
  CHECK(cudaMemsetAsync(dc, 0, sizeof(float) * bh));
  const float one = 1.f, zero = 0.f;
  for (int t = T - 1; t >= 0; --t) {
    float* dG_t = dG + static_cast<size_t>(t) * 4 * bh;
    lstm_pointwise_backward<<<(B * H + 255) / 256, 256>>>(dy + t * bh, dhrec, acts + t * 4 * bh, cs + t * bh,
                                                          t ? cs + (t - 1) * bh : nullptr, dc, dG_t, B, H);
    if (t == 0) break;
    // Row-major dhrec(B x H) = dG_t(B x 4H) W(4H x H): column-major dhrec^T(H x B) = W^T(H x 4H) dG_t^T.
    CHECK_BLAS(cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_N, H, B, 4 * H, &one, W, H, dG_t, 4 * H, &zero, dhrec, H));
  }
}

// --- the persistent kernel ----------------------------------------------------

struct Plan {
  int B, H, T;
  int units;    // hidden units per block (U)
  int blocks;   // ceil(H / U)
  int npad;     // 4U rounded up to 16: the block's gate rows, gate-major (i of every unit, then f, g, o)
  int kpad;     // H rounded up to 32 (two K chunks of 16s)
  int kc;       // kpad / 2
  int ldw, ldh; // shared-memory row strides (+8 bf16 against bank conflicts, still 16-byte rows)
  int threads;
  size_t smem;
};

Plan make_plan(int B, int H, int T, int sms) {
  Plan p{B, H, T};
  p.units = (H + sms - 1) / sms;
  p.blocks = (H + p.units - 1) / p.units;
  p.npad = (4 * p.units + 15) / 16 * 16;
  p.kpad = (H + 31) / 32 * 32;
  p.kc = p.kpad / 2;
  p.ldw = p.kpad + 8;
  p.ldh = p.kc + 8;
  const int tiles = (B / 16) * (p.npad / 16);
  p.threads = std::max(tiles, 8) * 32;
  p.smem = sizeof(bf16) * (static_cast<size_t>(p.npad) * p.ldw + static_cast<size_t>(B) * p.ldh);
  return p;
}

// Sense-counting grid barrier (all blocks are co-resident: cooperative launch).
__device__ void grid_barrier(unsigned* count, volatile unsigned* generation, unsigned blocks) {
  __syncthreads();
  if (threadIdx.x == 0) {
    const unsigned gen = *generation;
    __threadfence();
    if (atomicAdd(count, 1u) == blocks - 1) {
      *count = 0;
      __threadfence();
      atomicAdd(const_cast<unsigned*>(generation), 1u);
    } else {
      while (*generation == gen) {
      }
    }
    __threadfence();
  }
  __syncthreads();
}

// Copies `rows` rows of `cols` bf16 (a multiple of 8) from global memory
// (row stride src_ld) into shared memory (row stride dst_ld), 16 bytes per
// thread at a time. `from_l2`: data other blocks wrote during this kernel,
// read past L1 (__ldcg), whose copy of it may be stale.
__device__ void copy_rows_to_shared(bf16* dst, int dst_ld, const bf16* src, size_t src_ld, int rows, int cols,
                                    bool from_l2) {
  const int vecs = cols / 8;
  for (int v = threadIdx.x; v < rows * vecs; v += blockDim.x) {
    const int r = v / vecs, k = v % vecs;
    const uint4* from = reinterpret_cast<const uint4*>(src + static_cast<size_t>(r) * src_ld) + k;
    reinterpret_cast<uint4*>(dst + static_cast<size_t>(r) * dst_ld)[k] = from_l2 ? __ldcg(from) : *from;
  }
}

// wpack: (blocks, npad, kpad) bf16, block-local row n = gate * U + k <- W row gate * H + u0 + k.
// hbuf: (2, B, kpad) bf16, h_{t-1} in hbuf[(t + 1) & 1] (h0 in hbuf[1]); c: (B, H) fp32 in/out.
__global__ void lstm_persistent(Plan p, const float* __restrict__ Gx, const bf16* __restrict__ wpack, bf16* hbuf,
                                float* c, float* out, unsigned* barrier) {
  extern __shared__ __align__(128) unsigned char smem[];
  bf16* Ws = reinterpret_cast<bf16*>(smem);
  bf16* Hs = Ws + static_cast<size_t>(p.npad) * p.ldw;
  float* Acc = reinterpret_cast<float*>(Hs);  // reuses Hs once the products are done: B * npad floats fit
  const int B = p.B, H = p.H, U = p.units, u0 = blockIdx.x * U;
  const int tid = threadIdx.x, warp = tid / 32, ntile_n = p.npad / 16, tiles = (B / 16) * ntile_n;

  // This block's slice of W_hh, once for the whole sequence.
  copy_rows_to_shared(Ws, p.ldw, wpack + static_cast<size_t>(blockIdx.x) * p.npad * p.kpad, p.kpad, p.npad, p.kpad,
                      false);

  for (int t = 0; t < p.T; ++t) {
    const bf16* hprev = hbuf + static_cast<size_t>((t + 1) & 1) * B * p.kpad;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
    wmma::fill_fragment(acc, 0.f);
    const int mt = warp / ntile_n, nt = warp % ntile_n;
    for (int chunk = 0; chunk < 2; ++chunk) {
      __syncthreads();  // the previous chunk's (or step's) readers of Hs are done
      copy_rows_to_shared(Hs, p.ldh, hprev + chunk * p.kc, p.kpad, B, p.kc, true);
      __syncthreads();
      if (warp < tiles) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major> w;
        for (int kk = 0; kk < p.kc; kk += 16) {
          wmma::load_matrix_sync(a, Hs + static_cast<size_t>(mt) * 16 * p.ldh + kk, p.ldh);
          wmma::load_matrix_sync(w, Ws + static_cast<size_t>(nt) * 16 * p.ldw + chunk * p.kc + kk, p.ldw);
          wmma::mma_sync(acc, a, w, acc);
        }
      }
    }
    __syncthreads();  // every warp is done reading Hs before Acc overwrites it
    if (warp < tiles)
      wmma::store_matrix_sync(Acc + static_cast<size_t>(mt) * 16 * p.npad + nt * 16, acc, p.npad, wmma::mem_row_major);
    __syncthreads();
    bf16* hnext = hbuf + static_cast<size_t>(t & 1) * B * p.kpad;
    for (int v = tid; v < B * U; v += blockDim.x) {
      const int b = v / U, k = v % U, u = u0 + k;
      if (u >= H) continue;
      const float* gx = Gx + (static_cast<size_t>(t) * B + b) * 4 * H;
      const float* a = Acc + static_cast<size_t>(b) * p.npad;
      float i = sigmoidf(a[k] + gx[u]), f = sigmoidf(a[U + k] + gx[H + u]);
      float g = tanhf(a[2 * U + k] + gx[2 * H + u]), o = sigmoidf(a[3 * U + k] + gx[3 * H + u]);
      const size_t bu = static_cast<size_t>(b) * H + u;
      float cn = f * c[bu] + i * g, h = o * tanhf(cn);
      c[bu] = cn;
      out[static_cast<size_t>(t) * B * H + bu] = h;
      hnext[static_cast<size_t>(b) * p.kpad + u] = __float2bfloat16(h);
    }
    grid_barrier(barrier, barrier + 1, gridDim.x);
  }
}

std::vector<bf16> pack_weights(const Plan& p, const std::vector<float>& W) {
  std::vector<bf16> pack(static_cast<size_t>(p.blocks) * p.npad * p.kpad, __float2bfloat16(0.f));
  for (int blk = 0; blk < p.blocks; ++blk)
    for (int gate = 0; gate < 4; ++gate)
      for (int k = 0; k < p.units; ++k) {
        const int u = blk * p.units + k;
        if (u >= p.H) continue;
        bf16* row = pack.data() + (static_cast<size_t>(blk) * p.npad + gate * p.units + k) * p.kpad;
        const float* src = W.data() + (static_cast<size_t>(gate) * p.H + u) * p.H;
        for (int j = 0; j < p.H; ++j) row[j] = __float2bfloat16(src[j]);
      }
  return pack;
}

// --- the persistent backward kernel -------------------------------------------

// Block b owns hidden units [bU, bU + U) of dh_{t-1} = dG_t W_hh: it needs the
// 4H entries of W_hh's columns for those units (K = 4H, far longer than the
// forward's H), so K is staged in chunks and split among ksplit warps per
// 16 x 16 output tile; their partial sums meet in shared memory.
struct BackPlan {
  int B, H, T;
  int units, blocks;
  int npad;     // U rounded up to 16: the block's rows of W_hh^T
  int K;        // 4H
  int kc;       // columns per staged chunk of dG, a multiple of 16
  int nchunks;  // kpad = kc * nchunks >= K
  int kpad;
  int ksplit;   // warps sharing one output tile's K
  int ldw, ldg;
  int threads;
  size_t smem;
};

BackPlan make_back_plan(int B, int H, int T, int sms) {
  BackPlan p{B, H, T};
  p.units = (H + sms - 1) / sms;
  p.blocks = (H + p.units - 1) / p.units;
  p.npad = (p.units + 15) / 16 * 16;
  p.K = 4 * H;
  p.nchunks = (p.K + 32768 / B - 1) / (32768 / B);  // a staged chunk of dG is 64 KiB (512 columns at B 64)
  p.kc = ((p.K + p.nchunks - 1) / p.nchunks + 15) / 16 * 16;
  p.kpad = p.kc * p.nchunks;
  p.ldw = p.kpad + 8;
  p.ldg = p.kc + 8;
  const int tiles = (B / 16) * (p.npad / 16);
  p.ksplit = std::max(1, std::min(8, 32 / tiles));  // at most 32 warps (1,024 threads)
  p.threads = tiles * p.ksplit * 32;
  const size_t stage = std::max(sizeof(bf16) * B * p.ldg, sizeof(float) * p.ksplit * B * p.npad);
  p.smem = sizeof(bf16) * static_cast<size_t>(p.npad) * p.ldw + stage;
  return p;
}

// wpack: (blocks, npad, kpad) bf16, block-local row k (unit u0 + k), column n <- W[n][u0 + k].
// gbuf: (2, B, kpad) bf16, dG_{t+1} in gbuf[(t + 1) & 1] (zeros for t = T - 1; columns >= 4H stay zero).
// dy, cs: (T, B, H) fp32; acts, dG: (T, B, 4H) fp32; dc: (B, H) fp32, starts at zero.
__global__ void lstm_persistent_backward(BackPlan p, const float* __restrict__ dy, const float* __restrict__ acts,
                                         const float* __restrict__ cs, const bf16* __restrict__ wpack, bf16* gbuf,
                                         float* dc, float* dG, unsigned* barrier) {
  extern __shared__ __align__(128) unsigned char smem[];
  bf16* Ws = reinterpret_cast<bf16*>(smem);
  bf16* Gs = Ws + static_cast<size_t>(p.npad) * p.ldw;
  float* Acc = reinterpret_cast<float*>(Gs);  // reuses Gs once the products are done
  const int B = p.B, H = p.H, U = p.units, u0 = blockIdx.x * U;
  const int tid = threadIdx.x, warp = tid / 32, ntile_n = p.npad / 16, tiles = (B / 16) * ntile_n;
  const int tile = warp % tiles, ks = warp / tiles, mt = tile / ntile_n, nt = tile % ntile_n;
  const size_t bh = static_cast<size_t>(B) * H;

  copy_rows_to_shared(Ws, p.ldw, wpack + static_cast<size_t>(blockIdx.x) * p.npad * p.kpad, p.kpad, p.npad, p.kpad,
                      false);

  for (int t = p.T - 1; t >= 0; --t) {
    const bf16* gnext = gbuf + static_cast<size_t>((t + 1) & 1) * B * p.kpad;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
    wmma::fill_fragment(acc, 0.f);
    for (int chunk = 0; chunk < p.nchunks; ++chunk) {
      __syncthreads();  // the previous chunk's (or step's) readers of Gs are done
      copy_rows_to_shared(Gs, p.ldg, gnext + chunk * p.kc, p.kpad, B, p.kc, true);
      __syncthreads();
      wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> a;
      wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major> w;
      for (int kk = ks * 16; kk < p.kc; kk += 16 * p.ksplit) {
        wmma::load_matrix_sync(a, Gs + static_cast<size_t>(mt) * 16 * p.ldg + kk, p.ldg);
        wmma::load_matrix_sync(w, Ws + static_cast<size_t>(nt) * 16 * p.ldw + chunk * p.kc + kk, p.ldw);
        wmma::mma_sync(acc, a, w, acc);
      }
    }
    __syncthreads();  // every warp is done reading Gs before Acc overwrites it
    wmma::store_matrix_sync(Acc + (static_cast<size_t>(ks) * B + mt * 16) * p.npad + nt * 16, acc, p.npad,
                            wmma::mem_row_major);
    __syncthreads();
    bf16* gout = gbuf + static_cast<size_t>(t & 1) * B * p.kpad;
    for (int v = tid; v < B * U; v += blockDim.x) {
      const int b = v / U, k = v % U, u = u0 + k;
      if (u >= H) continue;
      float rec = 0.f;
      for (int s = 0; s < p.ksplit; ++s) rec += Acc[(static_cast<size_t>(s) * B + b) * p.npad + k];
      const size_t bu = static_cast<size_t>(b) * H + u;
      const float* a = acts + (static_cast<size_t>(t) * B + b) * 4 * H;
      const CellGrads d = lstm_cell_backward(dy[t * bh + bu] + rec, dc[bu], a[u], a[H + u], a[2 * H + u], a[3 * H + u],
                                             cs[t * bh + bu], t ? cs[(t - 1) * bh + bu] : 0.f);
      dc[bu] = d.dc_prev;
      float* g = dG + (static_cast<size_t>(t) * B + b) * 4 * H;
      g[u] = d.di, g[H + u] = d.df, g[2 * H + u] = d.dg, g[3 * H + u] = d.dout;
      bf16* go = gout + static_cast<size_t>(b) * p.kpad;
      go[u] = __float2bfloat16(d.di), go[H + u] = __float2bfloat16(d.df);
      go[2 * H + u] = __float2bfloat16(d.dg), go[3 * H + u] = __float2bfloat16(d.dout);
    }
    grid_barrier(barrier, barrier + 1, gridDim.x);
  }
}

std::vector<bf16> pack_weights_backward(const BackPlan& p, const std::vector<float>& W) {
  std::vector<bf16> pack(static_cast<size_t>(p.blocks) * p.npad * p.kpad, __float2bfloat16(0.f));
  for (int blk = 0; blk < p.blocks; ++blk)
    for (int k = 0; k < p.units; ++k) {
      const int u = blk * p.units + k;
      if (u >= p.H) continue;
      bf16* row = pack.data() + (static_cast<size_t>(blk) * p.npad + k) * p.kpad;
      for (int n = 0; n < p.K; ++n) row[n] = __float2bfloat16(W[static_cast<size_t>(n) * p.H + u]);
    }
  return pack;
}

int main(int argc, char** argv) {
  const int B = argc > 1 ? std::atoi(argv[1]) : 64, H = argc > 2 ? std::atoi(argv[2]) : 1150,
            T = argc > 3 ? std::atoi(argv[3]) : 70, reps = argc > 4 ? std::atoi(argv[4]) : 20;
  if (B % 16 != 0) {
    std::fprintf(stderr, "batch size must be a multiple of 16 (WMMA tiles)\n");
    return 2;
  }
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> uw(-1.f / std::sqrt(float(H)), 1.f / std::sqrt(float(H))), ux(-1.f, 1.f);
  std::vector<float> W(static_cast<size_t>(4) * H * H), Gx(static_cast<size_t>(T) * B * 4 * H);
  for (auto& x : W) x = uw(rng);
  for (auto& x : Gx) x = ux(rng);

  float *dW, *dGx, *dG, *dc, *dh0, *dref, *dtf32, *dout;
  const size_t bh = static_cast<size_t>(B) * H, tbh = static_cast<size_t>(T) * bh;
  CHECK(cudaMalloc(&dW, sizeof(float) * W.size()));
  CHECK(cudaMalloc(&dGx, sizeof(float) * Gx.size()));
  CHECK(cudaMalloc(&dG, sizeof(float) * B * 4 * H));
  CHECK(cudaMalloc(&dc, sizeof(float) * bh));
  CHECK(cudaMalloc(&dh0, sizeof(float) * bh));
  CHECK(cudaMalloc(&dref, sizeof(float) * tbh));
  CHECK(cudaMalloc(&dtf32, sizeof(float) * tbh));
  CHECK(cudaMalloc(&dout, sizeof(float) * tbh));
  CHECK(cudaMemcpy(dW, W.data(), sizeof(float) * W.size(), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(dGx, Gx.data(), sizeof(float) * Gx.size(), cudaMemcpyHostToDevice));
  CHECK(cudaMemset(dh0, 0, sizeof(float) * bh));

  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  auto time_us_per_step = [&](auto&& fn) {
    fn();  // warm-up
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaEventRecord(e0));
    for (int r = 0; r < reps; ++r) fn();
    CHECK(cudaEventRecord(e1));
    CHECK(cudaEventSynchronize(e1));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, e0, e1));
    return 1000.0 * ms / reps / T;
  };

  cublasHandle_t blas;
  CHECK_BLAS(cublasCreate(&blas));
  CHECK_BLAS(cublasSetMathMode(blas, CUBLAS_PEDANTIC_MATH));
  const double us_fp32 = time_us_per_step([&] { run_step_reference(blas, dGx, dW, dG, dc, dh0, dref, T, B, H); });
  CHECK_BLAS(cublasSetMathMode(blas, CUBLAS_TF32_TENSOR_OP_MATH));
  const double us_tf32 = time_us_per_step([&] { run_step_reference(blas, dGx, dW, dG, dc, dh0, dtf32, T, B, H); });

  Plan p = make_plan(B, H, T, prop.multiProcessorCount);
  std::vector<bf16> pack = pack_weights(p, W);
  bf16 *dpack, *dhbuf;
  unsigned* dbar;
  CHECK(cudaMalloc(&dpack, sizeof(bf16) * pack.size()));
  CHECK(cudaMalloc(&dhbuf, sizeof(bf16) * 2 * B * p.kpad));
  CHECK(cudaMalloc(&dbar, 2 * sizeof(unsigned)));
  CHECK(cudaMemcpy(dpack, pack.data(), sizeof(bf16) * pack.size(), cudaMemcpyHostToDevice));
  if (p.smem > prop.sharedMemPerBlockOptin) {
    // h_{t-1} is staged whole-batch in shared memory: larger batches need a batch split (not written yet).
    std::fprintf(stderr, "B %d, H %d needs %zu B of shared memory per block, the GPU offers %zu; no persistent run\n", B,
                 H, p.smem, prop.sharedMemPerBlockOptin);
    return 1;
  }
  CHECK(cudaFuncSetAttribute(lstm_persistent, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(p.smem)));
  int per_sm = 0;
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, lstm_persistent, p.threads, p.smem));
  std::printf("plan: %d blocks x %d threads (%d units each, %d gate rows), %zu B shared memory; %d co-resident per SM, %d SMs\n",
              p.blocks, p.threads, p.units, p.npad, p.smem, per_sm, prop.multiProcessorCount);
  if (per_sm * prop.multiProcessorCount < p.blocks) {
    std::fprintf(stderr, "the grid does not fit co-resident; no persistent run\n");
    return 1;
  }
  auto persistent = [&] {
    CHECK(cudaMemsetAsync(dhbuf, 0, sizeof(bf16) * 2 * B * p.kpad));
    CHECK(cudaMemsetAsync(dc, 0, sizeof(float) * bh));
    CHECK(cudaMemsetAsync(dbar, 0, 2 * sizeof(unsigned)));
    void* args[] = {&p, &dGx, &dpack, &dhbuf, &dc, &dout, &dbar};
    CHECK(cudaLaunchCooperativeKernel(reinterpret_cast<void*>(lstm_persistent), dim3(p.blocks), dim3(p.threads), args,
                                      p.smem, 0));
  };
  const double us_persistent = time_us_per_step(persistent);
  CHECK(cudaDeviceSynchronize());

  std::vector<float> ref(tbh), tf32(tbh), got(tbh);
  CHECK(cudaMemcpy(ref.data(), dref, sizeof(float) * tbh, cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(tf32.data(), dtf32, sizeof(float) * tbh, cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(got.data(), dout, sizeof(float) * tbh, cudaMemcpyDeviceToHost));
  auto max_diff = [&](const std::vector<float>& x) {
    double m = 0;
    for (size_t i = 0; i < tbh; ++i) m = std::max(m, static_cast<double>(std::fabs(x[i] - ref[i])));
    return m;
  };
  const double flops = 2.0 * B * 4.0 * H * H;  // per step
  std::printf("%s, B %d, H %d, T %d: us per time step (and TFLOP/s of the recurrent GEMM)\n", prop.name, B, H, T);
  std::printf("  step-fp32   %8.2f us  (%5.1f TFLOP/s)\n", us_fp32, flops / us_fp32 / 1e6);
  std::printf("  step-tf32   %8.2f us  (%5.1f TFLOP/s)  max |h - fp32| %.2e\n", us_tf32, flops / us_tf32 / 1e6, max_diff(tf32));
  std::printf("  persistent  %8.2f us  (%5.1f TFLOP/s)  max |h - fp32| %.2e  (%.1fx step-tf32)\n", us_persistent,
              flops / us_persistent / 1e6, max_diff(got), us_tf32 / us_persistent);
  const bool forward_ok = max_diff(got) < 5e-2;

  // --- backward: the fp32 forward's activations, a random gradient from above.
  float *dacts, *dcs, *ddy, *ddhrec, *ddc, *dgref, *dgtf32, *dgot;
  CHECK(cudaMalloc(&dacts, sizeof(float) * 4 * tbh));
  CHECK(cudaMalloc(&dcs, sizeof(float) * tbh));
  CHECK(cudaMalloc(&ddy, sizeof(float) * tbh));
  CHECK(cudaMalloc(&ddhrec, sizeof(float) * bh));
  CHECK(cudaMalloc(&ddc, sizeof(float) * bh));
  CHECK(cudaMalloc(&dgref, sizeof(float) * 4 * tbh));
  CHECK(cudaMalloc(&dgtf32, sizeof(float) * 4 * tbh));
  CHECK(cudaMalloc(&dgot, sizeof(float) * 4 * tbh));
  std::vector<float> dy(tbh);
  for (auto& x : dy) x = ux(rng);
  CHECK(cudaMemcpy(ddy, dy.data(), sizeof(float) * tbh, cudaMemcpyHostToDevice));
  CHECK_BLAS(cublasSetMathMode(blas, CUBLAS_PEDANTIC_MATH));
  run_step_reference(blas, dGx, dW, dG, dc, dh0, dref, T, B, H, dacts, dcs);
  const double us_bwd_fp32 =
      time_us_per_step([&] { run_step_backward_reference(blas, ddy, dW, dacts, dcs, ddhrec, ddc, dgref, T, B, H); });
  CHECK_BLAS(cublasSetMathMode(blas, CUBLAS_TF32_TENSOR_OP_MATH));
  const double us_bwd_tf32 =
      time_us_per_step([&] { run_step_backward_reference(blas, ddy, dW, dacts, dcs, ddhrec, ddc, dgtf32, T, B, H); });

  BackPlan bp = make_back_plan(B, H, T, prop.multiProcessorCount);
  if (bp.smem > prop.sharedMemPerBlockOptin) {
    std::fprintf(stderr, "backward: B %d, H %d needs %zu B of shared memory per block, the GPU offers %zu\n", B, H,
                 bp.smem, prop.sharedMemPerBlockOptin);
    return 1;
  }
  CHECK(cudaFuncSetAttribute(lstm_persistent_backward, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             static_cast<int>(bp.smem)));
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, lstm_persistent_backward, bp.threads, bp.smem));
  std::printf("backward plan: %d blocks x %d threads (%d units each, K %d in %d chunks of %d, %d warps per tile), "
              "%zu B shared memory; %d co-resident per SM\n",
              bp.blocks, bp.threads, bp.units, bp.K, bp.nchunks, bp.kc, bp.ksplit, bp.smem, per_sm);
  if (per_sm * prop.multiProcessorCount < bp.blocks) {
    std::fprintf(stderr, "the backward grid does not fit co-resident; no persistent run\n");
    return 1;
  }
  std::vector<bf16> bpack = pack_weights_backward(bp, W);
  bf16 *dbpack, *dgbuf;
  CHECK(cudaMalloc(&dbpack, sizeof(bf16) * bpack.size()));
  CHECK(cudaMalloc(&dgbuf, sizeof(bf16) * 2 * B * bp.kpad));
  CHECK(cudaMemcpy(dbpack, bpack.data(), sizeof(bf16) * bpack.size(), cudaMemcpyHostToDevice));
  auto persistent_backward = [&] {
    CHECK(cudaMemsetAsync(dgbuf, 0, sizeof(bf16) * 2 * B * bp.kpad));
    CHECK(cudaMemsetAsync(ddc, 0, sizeof(float) * bh));
    CHECK(cudaMemsetAsync(dbar, 0, 2 * sizeof(unsigned)));
    void* args[] = {&bp, &ddy, &dacts, &dcs, &dbpack, &dgbuf, &ddc, &dgot, &dbar};
    CHECK(cudaLaunchCooperativeKernel(reinterpret_cast<void*>(lstm_persistent_backward), dim3(bp.blocks),
                                      dim3(bp.threads), args, bp.smem, 0));
  };
  const double us_bwd_persistent = time_us_per_step(persistent_backward);
  CHECK(cudaDeviceSynchronize());

  std::vector<float> gref(4 * tbh), gtf32(4 * tbh), ggot(4 * tbh);
  CHECK(cudaMemcpy(gref.data(), dgref, sizeof(float) * 4 * tbh, cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gtf32.data(), dgtf32, sizeof(float) * 4 * tbh, cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(ggot.data(), dgot, sizeof(float) * 4 * tbh, cudaMemcpyDeviceToHost));
  double gmax = 0;
  for (float x : gref) gmax = std::max(gmax, static_cast<double>(std::fabs(x)));
  auto rel_diff = [&](const std::vector<float>& x) {
    double m = 0;
    for (size_t i = 0; i < x.size(); ++i) m = std::max(m, static_cast<double>(std::fabs(x[i] - gref[i])));
    return m / gmax;
  };
  std::printf("backward: us per time step; the largest |dG - fp32| over the largest |dG| (%.3g)\n", gmax);
  std::printf("  step-fp32   %8.2f us  (%5.1f TFLOP/s)\n", us_bwd_fp32, flops / us_bwd_fp32 / 1e6);
  std::printf("  step-tf32   %8.2f us  (%5.1f TFLOP/s)  %.2e\n", us_bwd_tf32, flops / us_bwd_tf32 / 1e6, rel_diff(gtf32));
  std::printf("  persistent  %8.2f us  (%5.1f TFLOP/s)  %.2e  (%.1fx step-tf32)\n", us_bwd_persistent,
              flops / us_bwd_persistent / 1e6, rel_diff(ggot), us_bwd_tf32 / us_bwd_persistent);
  return forward_ok && rel_diff(ggot) < 5e-2 ? 0 : 3;
}

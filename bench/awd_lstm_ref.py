#!/usr/bin/python3
"""PyTorch reference for parlance's AWD-LSTM, written for this project and run
with Debian's python3-torch (LibTorch 1.13, the library the C++ side links).
It is the model as a PyTorch/fastai user writes it: embedding dropout on the
embedding matrix, locked dropouts, DropConnect on the hidden-to-hidden weights
with PyTorch's LSTM op, tied decoder, cross-entropy + AR + TAR, clipping,
AdamW.

  awd_lstm_ref.py step VOCAB EMB HIDDEN LAYERS BS BPTT STEPS THREADS [cpu|cuda] [fp32|bf16]
      tokens/s of the training step on random tokens (bench/train,
      bench/gpu_step); on CUDA with fused AdamW and no host sync in the loop.
  awd_lstm_ref.py train RECIPE.toml --data FILE.h5 --out RESULT.json
          [--device cpu|cuda] [--precision fp32|bf16] [--seed N]
      trains a parlance recipe ([model], [train]; one_cycle or constant lr) on
      a prepared HDF5 file and reports valid/test perplexity (bench/quality,
      bench/gpu_quality). On CUDA: fused AdamW, no per-step host syncs; bf16
      is autocast with the LSTM kept in fp32, as parlance does it.
      Under mpirun -np N it is PyTorch DDP (gloo) with parlance's rank-aware
      streams: rank r owns streams [r*bs, (r+1)*bs) of world*bs.
"""
import contextlib
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F


def fp32_recurrence(x):
    """Autocast off for the LSTM when it is bf16 autocast on x's device."""
    dev = x.device.type
    dtype = torch.get_autocast_dtype('cuda') if hasattr(torch, 'get_autocast_dtype') else torch.get_autocast_gpu_dtype()
    if dev == 'cuda' and torch.is_autocast_enabled() and dtype == torch.bfloat16:
        return torch.autocast('cuda', enabled=False)
    return contextlib.nullcontext()


def locked_dropout(x, p, training):
    if not training or p == 0:
        return x
    mask = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - p).div_(1 - p)
    return x * mask


class AwdLstm(torch.nn.Module):
    def __init__(self, vocab, emb, hidden, layers, drop_mult, ps=(0.25, 0.1, 0.2, 0.02, 0.15)):
        super().__init__()
        self.emb = torch.nn.Parameter(torch.empty(vocab, emb).uniform_(-0.1, 0.1))
        self.layers = []
        for l in range(layers):
            inp = emb if l == 0 else hidden
            out = emb if l == layers - 1 else hidden
            k = 1 / out ** 0.5
            w = [torch.nn.Parameter(torch.empty(*shape).uniform_(-k, k))
                 for shape in ((4 * out, inp), (4 * out, out), (4 * out,), (4 * out,))]
            for i, p in enumerate(w):
                self.register_parameter(f'l{l}_{i}', p)
            self.layers.append((w, out))
        self.dec_bias = torch.nn.Parameter(torch.zeros(vocab))
        i, o, w, e, h = (p * drop_mult for p in ps)  # (input, output, weight, embedding, hidden), as fastai orders them
        self.p = dict(i=i, o=o, w=w, e=e, h=h)

    def init_state(self, bs):
        return [(self.emb.new_zeros(1, bs, out), self.emb.new_zeros(1, bs, out)) for _, out in self.layers]

    def forward(self, tokens, state):
        t = self.training
        w = self.emb
        if t and self.p['e'] > 0:
            w = w * w.new_empty(w.size(0), 1).bernoulli_(1 - self.p['e']).div_(1 - self.p['e'])
        x = locked_dropout(F.embedding(tokens, w, 1), self.p['i'], t)
        new_state = []
        for l, ((w_ih, w_hh, b_ih, b_hh), _) in enumerate(self.layers):
            w_hh = F.dropout(w_hh, self.p['w'], t)
            with fp32_recurrence(x):
                out, h, c = torch._VF.lstm(x.float(), tuple(s.float() for s in state[l]), [w_ih, w_hh, b_ih, b_hh],
                                           True, 1, 0.0, t, False, False)
            new_state.append((h, c))
            raw = out
            x = locked_dropout(out, self.p['h'], t) if l + 1 < len(self.layers) else out
        dropped = locked_dropout(raw, self.p['o'], t)
        return F.linear(dropped, self.emb, self.dec_bias), raw, dropped, new_state


def lm_loss(logits, targets, raw, dropped, alpha, beta):
    ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
    loss = ce
    if alpha:
        loss = loss + alpha * dropped.pow(2).mean()
    if beta:
        loss = loss + beta * (raw[1:] - raw[:-1]).pow(2).mean()
    return loss, ce


def bench_step(argv):
    vocab, emb, hidden, layers, bs, bptt, steps, threads = map(int, argv[:8])
    device = torch.device(argv[8] if len(argv) > 8 else 'cpu')
    precision = argv[9] if len(argv) > 9 else 'fp32'
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = AwdLstm(vocab, emb, hidden, layers, 0.5).to(device)
    fused = {'fused': True} if device.type == 'cuda' else {}
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.8, 0.99), weight_decay=0.01, **fused)
    tokens = torch.randint(0, vocab, (bptt + 1, bs), device=device)
    state = model.init_state(bs)
    autocast = (lambda: torch.autocast('cuda', dtype=torch.bfloat16)) if precision == 'bf16' else contextlib.nullcontext

    def step(state):
        state = [(h.detach(), c.detach()) for h, c in state]
        with autocast():
            logits, raw, dropped, state = model(tokens[:-1], state)
            loss, _ = lm_loss(logits.float(), tokens[1:], raw.float(), dropped.float(), 2.0, 1.0)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.12)
        opt.step()
        opt.zero_grad()
        return state, loss.detach()

    for _ in range(3):
        state, last = step(state)
    last.item()
    t0 = time.perf_counter()
    for _ in range(steps):
        state, last = step(state)
    last.item()  # waits for the device's queue
    secs = time.perf_counter() - t0
    print(json.dumps({'impl': 'pytorch-python', 'ranks': 1, 'device': str(device), 'precision': precision,
                      'tokens_per_s_per_rank': steps * bptt * bs / secs, 'tokens_per_s': steps * bptt * bs / secs,
                      'seconds': secs, 'ms_per_step': 1000 * secs / steps}))


# --- training a recipe -------------------------------------------------------

def write_result(path, result):
    """The result as JSON, atomically; its summary (no per-epoch rows) on stdout."""
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(result, f, indent=1)
    os.replace(tmp, path)
    print(json.dumps({k: v for k, v in result.items() if k != 'epochs'}))


def annealing_cos(start, end, pct):
    return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)


def one_cycle(step, total, lr, div, pct_start, moms):
    """fastai v1 fit_one_cycle: cosine warm-up to lr over pct_start of the
    steps, then cosine down to lr / (div * 1e4); momentum mirrors it."""
    up = max(1, math.floor(total * pct_start))
    down = max(1, total - up)
    if step < up:
        p = step / up
        return annealing_cos(lr / div, lr, p), annealing_cos(moms[0], moms[1], p)
    p = (step - up) / down
    return annealing_cos(lr, lr / (div * 1e4), p), annealing_cos(moms[1], moms[0], p)


def bptt_lengths(stream_len, bptt, variable, rng):
    """awd-lstm-lm's main loop: bptt with p=0.95 else bptt/2, then
    seq_len = max(5, int(N(that, 5))), clipped to the data left."""
    i, out = 0, []
    while i < stream_len - 2:
        sl = bptt
        if variable:
            base = bptt if rng.random() < 0.95 else bptt / 2
            sl = max(5, int(rng.normalvariate(base, 5)))
        sl = min(sl, stream_len - 1 - i)
        out.append((i, sl))
        i += sl
    return out


def train(argv):
    import argparse
    import tomllib

    import h5py
    import torch.distributed as dist

    ap = argparse.ArgumentParser(prog='awd_lstm_ref.py train')
    ap.add_argument('config')
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', type=int)
    ap.add_argument('--device', default='cpu', choices=('cpu', 'cuda'))
    ap.add_argument('--precision', default='fp32', choices=('fp32', 'bf16'))
    ap.add_argument('--seed', type=int, help='overrides train.seed')
    args = ap.parse_args(argv)
    device = torch.device(args.device)
    rank = int(os.environ.get('OMPI_COMM_WORLD_RANK', 0))
    world = int(os.environ.get('OMPI_COMM_WORLD_SIZE', 1))
    if world > 1:
        os.environ.setdefault('MASTER_ADDR', '127.0.0.1')
        os.environ.setdefault('MASTER_PORT', '29531')
        dist.init_process_group('gloo', rank=rank, world_size=world)

    with open(args.config, 'rb') as f:
        recipe = tomllib.load(f)
    m, t = recipe['model'], recipe['train']
    if m.get('arch', 'awd_lstm') != 'awd_lstm':
        sys.exit('awd_lstm_ref.py: only model.arch = "awd_lstm"')
    sched = t.get('schedule', 'one_cycle')
    if sched not in ('one_cycle', 'constant') or t.get('optimizer', 'adam') != 'adam' or not t.get('true_wd', True) \
            or t.get('discriminative', 1.0) != 1.0 or t.get('accumulate', 1) != 1:
        sys.exit('awd_lstm_ref.py: supports Adam(W) with one_cycle or constant lr, no discriminative lr, no accumulation')
    bs, bptt = t.get('bs', 64), t.get('bptt', 70)
    valid_bs = t.get('valid_bs', 0) or bs
    epochs = args.epochs or t.get('epochs', 1)
    seed = args.seed if args.seed is not None else t.get('seed', 42)
    torch.set_num_threads(t.get('threads', 1))

    def streams(f, split, n_streams):
        n = f[split]['tokens'].shape[0]
        length = n // (world * n_streams)
        tok = f[split]['tokens'][rank * n_streams * length:(rank + 1) * n_streams * length]
        return torch.from_numpy(tok.astype('int64')).view(n_streams, length).t().contiguous().to(device)

    with h5py.File(args.data, 'r') as f:
        vocab = f['vocab/itos'].shape[0]
        data = {split: streams(f, split, bs if split == 'train' else valid_bs)
                for split in ('train', 'valid', 'test') if split in f}

    torch.manual_seed(seed)
    model = AwdLstm(vocab, m.get('emb', 400), m.get('hidden', 1150), m.get('layers', 3), m.get('drop_mult', 1.0))
    model.to(device)
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    torch.manual_seed(seed + 1000003 * rank + 1)  # dropout masks differ per rank
    lr_max = t.get('lr', 1e-3)
    fused = {'fused': True} if device.type == 'cuda' else {}
    opt = torch.optim.AdamW(model.parameters(), lr=lr_max, betas=(t.get('momentum', 0.9), t.get('beta2', 0.99)),
                            weight_decay=t.get('wd', 0.01), **fused)
    autocast = (lambda: torch.autocast('cuda', dtype=torch.bfloat16)) if args.precision == 'bf16' else None
    alpha, beta, clip = t.get('alpha', 2.0), t.get('beta', 1.0), t.get('clip', 0.0)
    variable = t.get('variable_bptt', True)
    scale_lr = t.get('lr_scale_by_seq_len', True)
    schedules = [bptt_lengths(data['train'].size(0), bptt, variable, random.Random(f'{seed}/{e}')) for e in range(epochs)]
    total = max(len(s) for s in schedules) * epochs

    def all_sum(values):
        v = torch.tensor([float(x) for x in values], dtype=torch.float64)
        if world > 1:
            dist.all_reduce(v)
        return v.tolist()

    @torch.no_grad()
    def evaluate(split):
        model.eval()
        src = data[split]
        state = model.init_state(src.size(1))
        loss = tokens = correct = 0.0
        for pos, sl in bptt_lengths(src.size(0), bptt, False, None):
            logits, _, _, state = model(src[pos:pos + sl], state)
            y = src[pos + 1:pos + 1 + sl].reshape(-1)
            logits = logits.reshape(-1, vocab)
            loss += F.cross_entropy(logits, y, reduction='sum').item()
            correct += (logits.argmax(1) == y).sum().item()
            tokens += y.numel()
        loss, correct, tokens = all_sum([loss, correct, tokens])
        return loss / tokens, correct / tokens

    history, step = [], 0
    for epoch in range(epochs):
        t0 = time.perf_counter()
        model.train()
        state = model.init_state(bs)
        src = data['train']
        loss_sum = n_tok = 0.0
        for pos, sl in schedules[epoch]:
            if sched == 'one_cycle':
                lr, mom = one_cycle(step, total, lr_max, t.get('div', 25.0), t.get('pct_start', 0.3),
                                    (t.get('mom_max', 0.95), t.get('mom_min', 0.85)))
            else:
                lr, mom = lr_max, t.get('momentum', 0.9)
            for g in opt.param_groups:
                g['lr'] = lr * (sl / bptt if scale_lr else 1.0)
                g['betas'] = (mom, g['betas'][1])
            state = [(h.detach(), c.detach()) for h, c in state]
            with autocast() if autocast else contextlib.nullcontext():
                logits, raw, dropped, state = net(src[pos:pos + sl], state)
                loss, ce = lm_loss(logits.float(), src[pos + 1:pos + 1 + sl], raw.float(), dropped.float(), alpha, beta)
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            opt.zero_grad()
            loss_sum += ce.detach() * (sl * bs)  # on the device: no per-step host sync
            n_tok += sl * bs
            step += 1
        train_loss, n_all = all_sum([loss_sum, n_tok])
        valid_loss, acc = evaluate('valid')
        secs = time.perf_counter() - t0
        row = {'epoch': epoch, 'train_loss': train_loss / n_all, 'valid_loss': valid_loss, 'accuracy': acc,
               'perplexity': math.exp(valid_loss), 'seconds': secs, 'tokens_per_s': n_all / secs}
        history.append(row)
        if rank == 0:
            print(json.dumps(row), flush=True)
    test_loss, test_acc = evaluate('test') if 'test' in data else (None, None)
    if rank == 0:
        result = {'impl': 'pytorch-python', 'ranks': world, 'recipe': args.config, 'epochs': history,
                  'valid_perplexity': history[-1]['perplexity'],
                  'test_perplexity': math.exp(test_loss) if test_loss is not None else None, 'test_accuracy': test_acc}
        write_result(args.out, result)


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'train':
        train(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == 'step':
        bench_step(sys.argv[2:])
    else:
        sys.exit(__doc__)

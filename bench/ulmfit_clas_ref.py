#!/usr/bin/python3
"""PyTorch reference for parlance's ULMFiT classifier, written for this project
and run with Debian's python3-torch (LibTorch 1.13, the library the C++ side
links). It is the classifier as a fastai v1 user gets it from
text_classifier_learner, in plain PyTorch: the AWD-LSTM encoder (embedding
dropout, locked dropouts, DropConnect with PyTorch's LSTM op) run over each
pre-padded document in bptt chunks with gradients for the last max_len tokens
(MultiBatchEncoder), masked concat pooling, BatchNorm → Dropout → Linear
blocks, cross-entropy + AR + TAR, SortishSampler batches, gradual unfreezing
with one fit_one_cycle per stage (fresh AdamW, discriminative lr / 2.6^k).

  ulmfit_clas_ref.py RECIPE.toml --data FILE.h5 --init LM.pth --out RESULT.json
                     [--test-split test] [--threads N] [--bs-mult W]

RECIPE is a parlance classifier recipe ([model], [train], [[stage]]); LM.pth
the language model's weights in fastai v1 names (`parlance export-weights`),
so both sides start from the same encoder. One process with --threads
threads and batches of bs × W documents: on 2 cores, the strongest plain
PyTorch baseline for parlance's 2 ranks × bs.
"""
import argparse
import json
import random
import time
import tomllib

import h5py
import numpy as np
import torch
import torch.nn.functional as F

from awd_lstm_ref import locked_dropout, one_cycle, write_result  # the LM reference's, one copy


class Encoder(torch.nn.Module):
    def __init__(self, vocab, emb, hidden, layers, ps, pad_idx):
        super().__init__()
        self.emb = torch.nn.Parameter(torch.empty(vocab, emb).uniform_(-0.1, 0.1))
        self.rnns, self.sizes = torch.nn.ParameterList(), []
        for l in range(layers):
            inp, out = (emb if l == 0 else hidden), (emb if l == layers - 1 else hidden)
            k = 1 / out ** 0.5
            for shape in ((4 * out, inp), (4 * out, out), (4 * out,), (4 * out,)):
                self.rnns.append(torch.nn.Parameter(torch.empty(*shape).uniform_(-k, k)))
            self.sizes.append(out)
        self.p, self.pad_idx = ps, pad_idx

    def layer(self, l):
        return list(self.rnns[4 * l:4 * l + 4])

    def init_state(self, bs):
        return [(torch.zeros(1, bs, n), torch.zeros(1, bs, n)) for n in self.sizes]

    def forward(self, tokens, state):
        t, p = self.training, self.p
        w = self.emb
        if t and p['e'] > 0:
            w = w * w.new_empty(w.size(0), 1).bernoulli_(1 - p['e']).div_(1 - p['e'])
        x = locked_dropout(F.embedding(tokens, w, self.pad_idx), p['i'], t)
        new = []
        for l in range(len(self.sizes)):
            w_ih, w_hh, b_ih, b_hh = self.layer(l)
            out, h, c = torch._VF.lstm(x, state[l], [w_ih, F.dropout(w_hh, p['w'], t), b_ih, b_hh],
                                       True, 1, 0.0, t, False, False)
            new.append((h, c))
            x = locked_dropout(out, p['h'], t) if l + 1 < len(self.sizes) else out
        return x, new

    def load_fastai(self, path):
        sd = torch.load(path, map_location='cpu')
        with torch.no_grad():
            self.emb.copy_(sd['0.encoder.weight'])
            for l in range(len(self.sizes)):
                w_ih, w_hh, b_ih, b_hh = self.layer(l)
                w_ih.copy_(sd[f'0.rnns.{l}.module.weight_ih_l0'])
                w_hh.copy_(sd[f'0.rnns.{l}.weight_hh_l0_raw'])
                b_ih.copy_(sd[f'0.rnns.{l}.module.bias_ih_l0'])
                b_hh.copy_(sd[f'0.rnns.{l}.module.bias_hh_l0'])


class Classifier(torch.nn.Module):
    def __init__(self, encoder, layers, drops):
        super().__init__()
        self.encoder = encoder
        blocks = []
        for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
            blocks += [torch.nn.BatchNorm1d(n_in), torch.nn.Dropout(drops[i]), torch.nn.Linear(n_in, n_out)]
            if i + 2 < len(layers):
                blocks.append(torch.nn.ReLU())
        self.head = torch.nn.Sequential(*blocks)

    def forward(self, tokens, bptt, max_len):
        seq, bs = tokens.shape
        state = self.encoder.init_state(bs)
        outs = []
        for i in range(0, seq, bptt):
            chunk = tokens[i:i + bptt]
            state = [(h.detach(), c.detach()) for h, c in state]
            if i + chunk.size(0) > seq - max_len:
                out, state = self.encoder(chunk, state)
                outs.append(out)
            else:
                with torch.no_grad():
                    _, state = self.encoder(chunk, state)
        out = torch.cat(outs)
        pad = (tokens[seq - out.size(0):] == self.encoder.pad_idx).unsqueeze(2)
        keep = (~pad).float()
        mean = (out * keep).sum(0) / keep.sum(0).clamp_min(1)
        mx = out.masked_fill(pad, float('-inf')).max(0)[0]
        return self.head(torch.cat([out[-1], mx, mean], 1)), out

    def layer_groups(self):
        groups = [[self.encoder.emb]] + [self.encoder.layer(l) for l in range(len(self.encoder.sizes))]
        return groups + [list(self.head.parameters())]


def load_split(f, split, backwards):
    offsets = f[split]['doc_offsets'][:]
    tokens = f[split]['tokens'][:].astype(np.int64)
    labels = f[split]['labels'][:]
    docs, ys = [], []
    for i, y in enumerate(labels):
        if y < 0:
            continue
        d = tokens[offsets[i]:offsets[i + 1]]
        docs.append(d[::-1].copy() if backwards else d)
        ys.append(int(y))
    return docs, ys


def batch(docs, ys, idx, pad_idx):
    n = max(len(docs[i]) for i in idx)
    x = torch.full((n, len(idx)), pad_idx, dtype=torch.int64)
    for j, i in enumerate(idx):
        x[n - len(docs[i]):, j] = torch.from_numpy(docs[i])
    return x, torch.tensor([ys[i] for i in idx])


def sortish(lengths, bs, rng):
    """fastai v1 SortishSampler: random order, chunks of 50 batches sorted by
    length (longest first), the batch with the longest document first."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    sz = bs * 50
    idx = sum((sorted(idx[i:i + sz], key=lambda k: -lengths[k]) for i in range(0, len(idx), sz)), [])
    batches = [idx[i:i + bs] for i in range(0, len(idx), bs)]
    first = max(range(len(batches)), key=lambda b: lengths[batches[b][0]])
    batches[0], batches[first] = batches[first], batches[0]
    rest = batches[1:]
    rng.shuffle(rest)
    return [batches[0]] + rest


@torch.no_grad()
def evaluate(model, docs, ys, bs, pad_idx, bptt, max_len):
    model.eval()
    order = sorted(range(len(docs)), key=lambda k: -len(docs[k]))
    loss = correct = 0.0
    for i in range(0, len(order), bs):
        x, y = batch(docs, ys, order[i:i + bs], pad_idx)
        logits, _ = model(x, bptt, max_len)
        loss += F.cross_entropy(logits, y, reduction='sum').item()
        correct += (logits.argmax(1) == y).sum().item()
    return loss / len(docs), correct / len(docs)


def main():
    ap = argparse.ArgumentParser(prog='ulmfit_clas_ref.py')
    ap.add_argument('config')
    ap.add_argument('--data', required=True)
    ap.add_argument('--init', required=True, help='fastai v1 LM state dict (parlance export-weights)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--test-split')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--bs-mult', type=int, default=2, help='documents per batch = train.bs × this')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.config, 'rb') as f:
        recipe = tomllib.load(f)
    m, t = recipe['model'], recipe['train']
    stages = recipe.get('stage') or [{}]
    backwards = t.get('backwards', False)
    with h5py.File(args.data, 'r') as f:
        itos = [s.decode() if isinstance(s, bytes) else s for s in f['vocab/itos'][:]]
        n_classes = f['classes'].shape[0]
        train = load_split(f, t.get('train_split', 'train'), backwards)
        valid = load_split(f, t.get('valid_split', 'valid'), backwards)
        test = load_split(f, args.test_split, backwards) if args.test_split else None
    pad_idx = itos.index('xxpad')
    dm = m.get('drop_mult', 1.0)
    ps = {k: m.get(name, d) * dm for k, name, d in
          (('i', 'input_p', 0.25), ('w', 'weight_p', 0.2), ('e', 'embed_p', 0.02), ('h', 'hidden_p', 0.15))}
    seed = t.get('seed', 42)
    torch.manual_seed(seed)
    enc = Encoder(len(itos), m.get('emb', 400), m.get('hidden', 1150), m.get('layers', 3), ps, pad_idx)
    enc.load_fastai(args.init)
    hidden = m.get('head_hidden', [50])
    model = Classifier(enc, [3 * m.get('emb', 400)] + hidden + [n_classes],
                       [m.get('output_p', 0.1) * dm] + [m.get('head_p', 0.1)] * len(hidden))
    groups = model.layer_groups()
    bs, bptt, max_len = t.get('bs', 64) * args.bs_mult, t.get('bptt', 70), t.get('max_len', 1400)
    alpha, beta, clip = t.get('alpha', 2.0), t.get('beta', 1.0), t.get('clip', 0.0)
    moms = (t.get('mom_max', 0.95), t.get('mom_min', 0.85))
    lengths = [len(d) for d in train[0]]
    rng = random.Random(seed)
    history, epoch = [], 0
    for st in stages:
        freeze = st.get('freeze_to', t.get('freeze_to', 0))
        freeze = max(0, len(groups) + freeze) if freeze < 0 else min(freeze, len(groups))
        for g, params in enumerate(groups):
            for p in params:
                p.requires_grad_(g >= freeze)
        lr_top, disc = st.get('lr', t.get('lr', 1e-3)), st.get('discriminative', t.get('discriminative', 1.0))
        opt = torch.optim.AdamW([{'params': p} for p in groups], lr=lr_top, betas=(moms[0], t.get('beta2', 0.99)),
                                weight_decay=t.get('wd', 0.01))
        n_epochs = st.get('epochs', t.get('epochs', 1))
        per_epoch = len(train[0]) // bs
        total, step = per_epoch * n_epochs, 0
        for _ in range(n_epochs):
            t0 = time.perf_counter()
            model.train()
            loss_sum = n = tokens = 0
            for idx in sortish(lengths, bs, rng)[:per_epoch]:
                if len(idx) < bs:
                    continue
                lr, mom = one_cycle(step, total, lr_top, t.get('div', 25.0), t.get('pct_start', 0.3), moms)
                for k, g in enumerate(opt.param_groups):
                    g['lr'] = lr / disc ** (len(groups) - 1 - k)
                    g['betas'] = (mom, g['betas'][1])
                x, y = batch(*train, idx, pad_idx)
                logits, out = model(x, bptt, max_len)
                ce = F.cross_entropy(logits, y)
                loss = ce + alpha * out.pow(2).mean() + beta * (out[1:] - out[:-1]).pow(2).mean()
                loss.backward()
                if clip:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
                opt.step()
                opt.zero_grad()
                loss_sum += ce.item() * len(idx)
                n += len(idx)
                tokens += sum(lengths[i] for i in idx)
                step += 1
            train_secs = time.perf_counter() - t0
            valid_loss, acc = evaluate(model, *valid, bs, pad_idx, bptt, max_len)
            secs = time.perf_counter() - t0
            # tokens_per_s over training + validation, as parlance's per-epoch columns count it.
            row = {'epoch': epoch, 'freeze_to': freeze, 'train_loss': loss_sum / n, 'valid_loss': valid_loss,
                   'accuracy': acc, 'seconds': secs, 'train_seconds': train_secs, 'documents': n,
                   'tokens': tokens, 'tokens_per_s': tokens / secs, 'train_tokens_per_s': tokens / train_secs}
            history.append(row)
            print(json.dumps(row), flush=True)
            epoch += 1
    result = {'impl': 'pytorch-python', 'threads': args.threads, 'bs': bs, 'recipe': args.config, 'epochs': history,
              'valid_accuracy': history[-1]['accuracy']}
    if test:
        t0 = time.perf_counter()
        result['test_loss'], result['test_accuracy'] = evaluate(model, *test, bs, pad_idx, bptt, max_len)
        result['test_seconds'] = time.perf_counter() - t0
    write_result(args.out, result)


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""PyTorch reference for parlance's translator, written for this project and
run with Debian's python3-torch (LibTorch 1.13). It is lesson 11's
Seq2SeqRNN / Seq2SeqRNN_All in plain PyTorch, as parlance builds them: GRU
encoder on packed sequences (optionally bidirectional), bias-free bridge to
the decoder size, GRU decoder fed its previous token (teacher forcing falling
linearly from 1 to 0 over train.teacher_forcing_epochs, one draw per target
position), optional additive attention masked to the real source tokens,
output tied to the decoder embedding; sortish batches by source length, pads
at the end, cross-entropy over the real target tokens; Adam, fit_one_cycle.
Validation decodes greedily: loss with early-ended predictions padded by zero
logits, token accuracy, and corpus BLEU (nltk's corpus_bleu on detokenized
text split by sacreBLEU's 13a rules, written here independently of parlance).

  seq2seq_ref.py RECIPE.toml --data FILE.h5 --out RESULT.json [--threads N] [--bs-mult W] [--epochs E]

One process with --threads threads and batches of bs × W pairs: on 2 cores,
the strongest plain PyTorch baseline for parlance's 2 ranks × bs.
"""
import argparse
import json
import random
import re
import time
import tomllib

import collections
import math

import h5py
import torch
import torch.nn.functional as F

try:
    from nltk.translate.bleu_score import corpus_bleu
except ImportError:  # the GPU image has no nltk: the same definition, written out
    def corpus_bleu(list_of_references, hypotheses):
        """nltk's corpus_bleu with its defaults: 4-gram precisions clipped by the
        most frequent reference count, uniform weights, no smoothing (0 if any
        precision is 0), brevity penalty against the closest reference length."""
        matched, total = [0] * 4, [0] * 4
        hyp_len = ref_len = 0
        for refs, hyp in zip(list_of_references, hypotheses):
            for n in range(1, 5):
                counts = collections.Counter(tuple(hyp[i:i + n]) for i in range(len(hyp) - n + 1))
                best = collections.Counter()
                for r in refs:
                    for g, c in collections.Counter(tuple(r[i:i + n]) for i in range(len(r) - n + 1)).items():
                        best[g] = max(best[g], c)
                matched[n - 1] += sum(min(c, best[g]) for g, c in counts.items())
                total[n - 1] += max(1, len(hyp) - n + 1)  # nltk counts at least 1 per sentence
            hyp_len += len(hyp)
            ref_len += min((abs(len(r) - len(hyp)), len(r)) for r in refs)[1]
        if min(matched) == 0:
            return 0.0
        bp = 1.0 if hyp_len > ref_len else (math.exp(1 - ref_len / hyp_len) if hyp_len else 0.0)
        return bp * math.exp(sum(math.log(m / t) for m, t in zip(matched, total)) / 4)

DEVICE = torch.device('cpu')  # --device

from awd_lstm_ref import one_cycle, write_result  # the LM reference's, one copy
from ulmfit_clas_ref import sortish  # fastai's SortishSampler, one copy


def embedding(vocab, dim, pad):
    return torch.nn.Embedding(vocab, dim, padding_idx=pad)


class Seq2Seq(torch.nn.Module):
    def __init__(self, nv_src, nv_tgt, m, pad, attention):
        super().__init__()
        nh, nl, bidir = m.get('hidden', 256), m.get('layers', 2), m.get('bidirectional', False)
        es, et = m.get('src_emb', 300), m.get('tgt_emb', 300)
        self.nl, self.nh, self.bidir, self.pad = nl, nh, bidir, pad
        self.p = {k: m.get(k, d) for k, d in (('enc_embed_p', .15), ('enc_hidden_p', .25), ('bridge_p', 0.),
                                              ('dec_hidden_p', .1), ('dec_output_p', .35))}
        self.enc_emb = embedding(nv_src, es, pad)
        self.enc = torch.nn.GRU(es, nh, nl, dropout=self.p['enc_hidden_p'] if nl > 1 else 0, bidirectional=bidir)
        E = nh * (2 if bidir else 1)
        self.bridge = torch.nn.Linear(E, et, bias=False)
        self.dec_emb = embedding(nv_tgt, et, pad)
        self.dec = torch.nn.GRU(et, et, nl, dropout=self.p['dec_hidden_p'] if nl > 1 else 0)
        bound = 1 / et ** 0.5
        self.out_bias = torch.nn.Parameter(torch.empty(nv_tgt).uniform_(-bound, bound))
        self.attention = attention
        if attention:
            self.w1 = torch.nn.Parameter(torch.randn(E, et) / E ** 0.5)
            self.v = torch.nn.Parameter(torch.randn(et) / et ** 0.5)
            self.l2 = torch.nn.Linear(et, et)
            self.l3 = torch.nn.Linear(et + E, et)

    def encode(self, src):
        mask = src != self.pad
        lengths = mask.sum(0)
        x = F.dropout(self.enc_emb(src), self.p['enc_embed_p'], self.training)
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), enforce_sorted=False)
        out, h = self.enc(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=src.size(0))
        if self.bidir:
            h = h.view(self.nl, 2, -1, self.nh).permute(0, 2, 1, 3).reshape(self.nl, -1, 2 * self.nh)
        h = self.bridge(F.dropout(h, self.p['bridge_p'], self.training))
        keys = out @ self.w1 if self.attention else None
        return h, out, mask, keys

    def step(self, state, prev):
        h, out, mask, keys = state
        x = self.dec_emb(prev)
        a = None
        if self.attention:
            u = torch.tanh(keys + self.l2(h[-1]))
            a = torch.softmax((u @ self.v).masked_fill(~mask, float('-inf')), 0)
            x = self.l3(torch.cat([x, (a.unsqueeze(2) * out).sum(0)], 1))
        o, h = self.dec(x.unsqueeze(0), h)
        logits = F.linear(F.dropout(o[0], self.p['dec_output_p'], self.training), self.dec_emb.weight, self.out_bias)
        return (h, out, mask, keys), logits


def load_pairs(f, split, src, tgt, ids_s, ids_t):
    """(source, target) id lists as parlance's SentencePairs makes them."""
    def docs(stream):
        toks, offs = f[f'{split}/{stream}_tokens'][:], f[f'{split}/{stream}_doc_offsets'][:]
        return [toks[offs[i]:offs[i + 1]].tolist() for i in range(len(offs) - 1)]
    out = []
    for s, t in zip(docs(src), docs(tgt)):
        if not s or s[-1] != ids_s['xxeos']:
            s = s + [ids_s['xxeos']]
        if t and t[0] == ids_t['xxbos']:
            t = t[1:]
        if not t or t[-1] != ids_t['xxeos']:
            t = t + [ids_t['xxeos']]
        out.append((s, t))
    return out


def pad_batch(seqs, pad):
    x = torch.full((max(len(s) for s in seqs), len(seqs)), pad, dtype=torch.long)
    for j, s in enumerate(seqs):
        x[:len(s), j] = torch.tensor(s)
    return x.to(DEVICE)


# Readable text and 13a tokens, for BLEU.
CLOSING = set('.,!?;:)]}%')


def detok(tokens):
    words, maj, up = [], False, False
    for t in tokens:
        if t in ('xxbos', 'xxpad', 'xxeos'):
            continue
        if t in ('xxmaj', 'xxup'):
            maj, up = maj or t == 'xxmaj', up or t == 'xxup'
            continue
        words.append(t.upper() if up else t[:1].upper() + t[1:] if maj else t)
        maj = up = False
    text = ''
    for i, w in enumerate(words):
        glue_left = (w in ('…', "n't", '\u202f') or (w and set(w) <= CLOSING) or
                     (w[:1] in "'’" and len(w) > 1) or (len(w) > 1 and w[0] == '-' and w[1] != '-'))
        glue_right = i > 0 and (words[i - 1] in ('(', '[', '{', '$', '\u202f') or
                                (len(words[i - 1]) > 1 and words[i - 1][-1] in "'’"))
        text += ('' if i == 0 or glue_left or glue_right else ' ') + w
    return text


def tok13a(line):
    line = ' ' + line + ' '
    line = re.sub(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])', r' \1 ', line)
    line = re.sub(r'([^0-9])([\.,])', r'\1 \2 ', line)
    line = re.sub(r'([\.,])([^0-9])', r' \1 \2', line)
    line = re.sub(r'([0-9])(-)', r'\1 \2 ', line)
    return line.split()


@torch.no_grad()
def evaluate(model, pairs, bs, ids_t, itos_t, max_out):
    model.eval()
    order = sorted(range(len(pairs)), key=lambda k: -len(pairs[k][0]))
    loss = tokens = correct = 0.0
    hyps, refs = [], []
    for i in range(0, len(order), bs):
        idx = order[i:i + bs]
        src = pad_batch([pairs[k][0] for k in idx], ids_t['xxpad'])
        tgt = pad_batch([pairs[k][1] for k in idx], ids_t['xxpad'])
        state = model.encode(src)
        prev = torch.full((len(idx),), ids_t['xxbos'], dtype=torch.long, device=DEVICE)
        done = torch.zeros(len(idx), dtype=torch.bool, device=DEVICE)
        logits, preds = [], []
        for _ in range(max_out):
            state, lg = model.step(state, prev)
            logits.append(lg * (~done).unsqueeze(1))
            prev = lg.argmax(1)
            preds.append(prev.masked_fill(done, ids_t['xxpad']))
            done |= prev == ids_t['xxeos']
            if done.all():
                break
        lg, pr = torch.stack(logits), torch.stack(preds)
        T = tgt.size(0)
        if lg.size(0) < T:
            lg = torch.cat([lg, lg.new_zeros(T - lg.size(0), *lg.shape[1:])])
            pr = torch.cat([pr, pr.new_full((T - pr.size(0), pr.size(1)), ids_t['xxpad'])])
        lg, pr = lg[:T], pr[:T]
        real = tgt != ids_t['xxpad']
        loss += F.cross_entropy(lg.reshape(-1, lg.size(2)), tgt.reshape(-1), ignore_index=ids_t['xxpad'],
                                reduction='sum').item()
        tokens += real.sum().item()
        correct += ((pr == tgt) & real).sum().item()
        for j in range(len(idx)):
            def words(col):
                out = []
                for t in col.tolist():
                    if t in (ids_t['xxeos'], ids_t['xxpad']):
                        break
                    out.append(itos_t[t])
                return tok13a(detok(out))
            hyps.append(words(pr[:, j]))
            refs.append([words(tgt[:, j])])
    return loss / tokens, correct / tokens, corpus_bleu(refs, hyps)


def main():
    ap = argparse.ArgumentParser(prog='seq2seq_ref.py')
    ap.add_argument('config')
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--bs-mult', type=int, default=2, help='pairs per batch = train.bs × this')
    ap.add_argument('--epochs', type=int, help='override train.epochs')
    ap.add_argument('--device', default='cpu', help='cpu or cuda (eager, fused AdamW on CUDA)')
    args = ap.parse_args()
    global DEVICE
    DEVICE = torch.device(args.device)
    torch.set_num_threads(args.threads)
    with open(args.config, 'rb') as f:
        recipe = tomllib.load(f)
    m, t = recipe['model'], recipe['train']
    src, tgt = ('tgt', 'src') if t.get('direction', 'src_to_tgt') == 'tgt_to_src' else ('src', 'tgt')
    with h5py.File(args.data, 'r') as f:
        itos = {s: [w.decode() if isinstance(w, bytes) else w for w in f[f'{s}_vocab/itos'][:]] for s in ('src', 'tgt')}
        ids = {s: {w: itos[s].index(w) for w in ('xxpad', 'xxbos', 'xxeos')} for s in ('src', 'tgt')}
        train = load_pairs(f, t.get('train_split', 'train'), src, tgt, ids[src], ids[tgt])
        valid = load_pairs(f, t.get('valid_split', 'valid'), src, tgt, ids[src], ids[tgt])
    pad = ids[tgt]['xxpad']
    seed = t.get('seed', 42)
    torch.manual_seed(seed)
    model = Seq2Seq(len(itos[src]), len(itos[tgt]), m, pad, m.get('arch') == 'seq2seq_attn').to(DEVICE)
    bs = t.get('bs', 64) * args.bs_mult
    valid_bs = t.get('valid_bs', t.get('bs', 64)) * args.bs_mult
    max_out = t.get('max_out', 0) or max(len(p[1]) for p in train)
    moms = (t.get('mom_max', 0.95), t.get('mom_min', 0.85))
    fused = {'fused': True} if DEVICE.type == 'cuda' else {}
    opt = torch.optim.AdamW(model.parameters(), lr=t.get('lr', 1e-3), betas=(moms[0], t.get('beta2', 0.99)),
                            weight_decay=t.get('wd', 0.01), **fused)
    epochs = args.epochs or t.get('epochs', 1)
    tf_epochs = t.get('teacher_forcing_epochs', 0)
    per_epoch = len(train) // bs
    total, step = per_epoch * epochs, 0
    rng = random.Random(seed)
    lengths = [len(p[0]) for p in train]
    history = []
    for epoch in range(epochs):
        t0 = time.perf_counter()
        model.train()
        loss_sum = n_tok = 0.0
        for i, idx in enumerate(sortish(lengths, bs, rng)[:per_epoch]):
            lr, mom = one_cycle(step, total, t.get('lr', 1e-3), t.get('div', 25.0), t.get('pct_start', 0.3), moms)
            for g in opt.param_groups:
                g['lr'], g['betas'] = lr, (mom, g['betas'][1])
            x = pad_batch([train[k][0] for k in idx], ids[src]['xxpad'])
            y = pad_batch([train[k][1] for k in idx], pad)
            p_force = max(0.0, 1 - (epoch + i / per_epoch) / tf_epochs) if tf_epochs > 0 else 0.0
            state = model.encode(x)
            prev = torch.full((len(idx),), ids[tgt]['xxbos'], dtype=torch.long, device=DEVICE)
            logits = []
            for pos in range(y.size(0)):
                state, lg = model.step(state, prev)
                logits.append(lg)
                prev = y[pos] if rng.random() < p_force else lg.detach().argmax(1)
            lg = torch.stack(logits)
            loss = F.cross_entropy(lg.reshape(-1, lg.size(2)), y.reshape(-1), ignore_index=pad, reduction='sum')
            count = sum(len(train[k][1]) for k in idx)  # real target tokens, counted on the host (no sync)
            (loss / count).backward()
            if t.get('clip', 0.0):
                torch.nn.utils.clip_grad_norm_(model.parameters(), t['clip'])
            opt.step()
            opt.zero_grad()
            loss_sum = loss_sum + loss.detach()  # a device scalar: read once per epoch
            n_tok += count
            step += 1
        train_secs = time.perf_counter() - t0
        valid_loss, acc, bleu = evaluate(model, valid, valid_bs, ids[tgt], itos[tgt], max_out)
        secs = time.perf_counter() - t0
        row = {'epoch': epoch, 'train_loss': float(loss_sum) / n_tok, 'valid_loss': valid_loss, 'accuracy': acc,
               'bleu': bleu, 'seconds': secs, 'train_seconds': train_secs, 'target_tokens': n_tok,
               'target_tokens_per_s': n_tok / secs, 'train_target_tokens_per_s': n_tok / train_secs}
        history.append(row)
        print(json.dumps(row), flush=True)
    write_result(args.out, {'impl': 'pytorch-python', 'threads': args.threads, 'bs': bs, 'recipe': args.config,
                            'epochs': history, 'valid_loss': history[-1]['valid_loss'], 'bleu': history[-1]['bleu']})


if __name__ == '__main__':
    main()

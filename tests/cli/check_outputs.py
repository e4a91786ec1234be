#!/usr/bin/python3
"""Reads the files the rank-invariance tests wrote with h5py (a standard HDF5
reader, not ours) and checks them against numbers known independently."""
import json
import sys
from pathlib import Path

try:
    import h5py
except ImportError:  # the GPU image's python3 has none; ctest reads 77 as skipped
    print("SKIP: this python3 has no h5py (Debian: apt-get install python3-h5py)")
    sys.exit(77)
import numpy as np

out = Path(sys.argv[1])
checked = 0


def load(name):
    path = out / name / 'np1.h5'
    if not path.exists():
        print(f'skip {name}: {path} missing')
        return None
    return h5py.File(path, 'r')


def check_provenance(f):
    """Every recorded input hash is what `xxh64sum` says of the file (in batches:
    a folder corpus lists tens of thousands)."""
    import subprocess
    inputs = json.loads(f.attrs['inputs'])
    for b in range(0, len(inputs), 2000):
        batch = inputs[b:b + 2000]
        out = subprocess.run(['xxh64sum'] + [i['path'] for i in batch], capture_output=True, text=True,
                             check=True).stdout.splitlines()
        for inp, line in zip(batch, out):
            assert inp['xxh64'] == line.split()[0], (inp, line)
    return len(inputs)


def itos(f, group='vocab'):
    return [s.decode() if isinstance(s, bytes) else s for s in f[f'{group}/itos'][:]]


def check_offsets(f, split, prefix=''):
    """Offsets cover the tokens; ids are uint16 when the vocabulary fits (format 2), else int32."""
    offs = f[f'{split}/{prefix}doc_offsets'][:]
    vocab = len(f[f'{prefix}vocab/itos'])
    assert f.attrs['format_version'] == 2
    assert offs.dtype == np.int64
    assert f[f'{split}/{prefix}tokens'].dtype == (np.uint16 if vocab <= 65536 else np.int32), (split, vocab)
    assert offs[0] == 0 and offs[-1] == len(f[f'{split}/{prefix}tokens']), split
    assert np.all(np.diff(offs) >= 0), split


f = load('wikitext2_pretokenized')
if f:
    # awd-lstm-lm counts 2,088,628 training tokens (one <eos> per line) and a
    # 33,278-word vocabulary; ours adds 9 specials and maps <unk>/<eos> onto two.
    assert len(f['train/tokens']) == 2088628, len(f['train/tokens'])
    vocab = itos(f)
    assert len(vocab) == 33278 - 2 + 9, len(vocab)
    for s in ('train', 'valid', 'test'):
        check_offsets(f, s)
    words = ' '.join(vocab[i] for i in f['train/tokens'][:12])
    assert words.startswith('xxeos = Valkyria Chronicles III = xxeos xxeos Senjō no Valkyria'), words
    assert json.loads(f.attrs['tokenizer'])['kind'] == 'pretokenized'
    checked += 1

f = load('imdb_sample_csv')
if f:
    classes = [c.decode() if isinstance(c, bytes) else c for c in f['classes'][:]]
    assert classes == ['negative', 'positive'], classes
    assert len(f['train/labels']) == 800 and len(f['valid/labels']) == 200  # from is_valid
    assert set(np.unique(f['train/labels'][:])) == {0, 1}
    vocab = itos(f)
    assert vocab[:9] == ['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxmaj', 'xxup', 'xxrep', 'xxwrep']
    assert len(vocab) % 8 == 0
    first = f['train/tokens'][f['train/doc_offsets'][0]]
    assert vocab[first] == 'xxbos'
    check_offsets(f, 'train')
    # Provenance: the recorded hash is what `xxh64sum` says of the input.
    check_provenance(f)
    checked += 1

# A document per file: each file is hashed by the rank that reads it, while it
# reads it (empty files by every rank); the hashes must not depend on how many.
for name in ('edge_folder_tree', 'aclimdb'):
    for ranks in ('np1.h5', 'np3small.h5'):
        path = out / name / ranks
        if not path.exists():
            print(f'skip {name}/{ranks}: missing')
            continue
        n = check_provenance(h5py.File(path, 'r'))
        print(f'{name}/{ranks}: {n} input hashes equal xxh64sum')
        checked += 1

f = load('edge_invalid_utf8')
if f:
    # 30 bad lines, each with two stray bytes and one truncated 2-byte sequence.
    assert f.attrs['repaired_bytes'] == 120, f.attrs['repaired_bytes']
    assert '\ufffd' in itos(f)
    checked += 1

f = load('fra_eng_questions')
if f:
    src, tgt = itos(f, 'src_vocab'), itos(f, 'tgt_vocab')
    toks, offs = f['train/src_tokens'][:], f['train/src_doc_offsets'][:]
    for d in range(0, len(offs) - 1, 97):
        doc = [src[i] for i in toks[offs[d]:offs[d + 1]]]
        assert doc[0] == 'xxbos' and doc[1:3] in (['xxmaj', 'what'], ['xxmaj', 'who'], ['xxmaj', 'where'],
                                                 ['xxmaj', 'why'], ['xxmaj', 'which'], ['xxmaj', 'when'],
                                                 ['xxmaj', 'whose'], ['xxmaj', 'whom']) or doc[1].startswith('wh'), doc
    limit = max(np.diff(offs))
    assert limit <= 20, limit
    check_offsets(f, 'valid', 'tgt_')
    checked += 1

f = load('edge_wide_vocab')
if f:
    vocab = itos(f)
    assert len(vocab) > 65536 and f['train/tokens'].dtype == np.int32, len(vocab)
    toks, offs = f['train/tokens'][:], f['train/doc_offsets'][:]
    assert toks.max() >= 65536 and toks.max() < len(vocab)
    for d in range(0, len(offs) - 1, 997):
        doc = [vocab[i] for i in toks[offs[d]:offs[d + 1]]]
        assert doc[0] == 'xxbos' and doc[1].startswith('word') and doc[2] == 'and' and doc[3] == doc[1] + 'x', doc
    check_offsets(f, 'train')
    check_offsets(f, 'valid')
    checked += 1

if checked == 0:
    print('SKIP: none of the expected outputs exist')
    sys.exit(77)
print(f'{checked} outputs checked')

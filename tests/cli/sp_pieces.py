#!/usr/bin/python3
"""sp_pieces.py FILE.h5: prints the pieces of the SentencePiece model a
prepared file carries (/vocab/sp_model), one per line. Reads the model's
protobuf wire format directly (ModelProto.pieces = field 1, each a message
whose field 1 is the piece), so it needs no sentencepiece module."""
import sys

try:
    import h5py
except ImportError:  # the GPU image's python3 has none; ctest reads 77 as skipped
    print("SKIP: this python3 has no h5py (Debian: apt-get install python3-h5py)")
    sys.exit(77)


def varint(b, i):
    shift = value = 0
    while True:
        byte = b[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def fields(b):
    """(field number, wire type, payload) of each top-level field."""
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(b, i)
        elif wire == 1:
            value, i = b[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(b, i)
            value, i = b[i:i + n], i + n
        elif wire == 5:
            value, i = b[i:i + 4], i + 4
        else:
            sys.exit(f"sp_pieces.py: unsupported wire type {wire}")
        yield number, wire, value


model = h5py.File(sys.argv[1], "r")["vocab/sp_model"][()].tobytes()
for number, wire, piece_message in fields(model):
    if number == 1 and wire == 2:
        for n, w, v in fields(piece_message):
            if n == 1 and w == 2:
                print(v.decode())

"""Reads a Megatron-LM indexed dataset (MMIDIDX .idx + .bin) with numpy only, exactly as
megatron/core/datasets/indexed_dataset.py defines the layout, and prints it as JSON:
{PREFIX: {"dtype": ..., "documents": [[[ids of sentence], ...], ...]}} for the Java test to compare.

Usage: python3 megatron_idx_check.py PREFIX...  (PREFIX.idx and PREFIX.bin)
"""
import json
import struct
import sys

import numpy

DTYPES = {1: numpy.uint8, 2: numpy.int8, 3: numpy.int16, 4: numpy.int32, 5: numpy.int64,
          6: numpy.float64, 7: numpy.float32, 8: numpy.uint16}


def read(prefix):
    with open(prefix + ".idx", "rb") as f:
        header = f.read(9)
        if header != b"MMIDIDX\x00\x00":
            raise SystemExit("bad header %r" % header)
        version = struct.unpack("<Q", f.read(8))[0]
        if version != 1:
            raise SystemExit("bad version %d" % version)
        dtype = DTYPES[struct.unpack("<B", f.read(1))[0]]
        sequence_count = struct.unpack("<Q", f.read(8))[0]
        document_count = struct.unpack("<Q", f.read(8))[0]
        offset = f.tell()
    buffer = numpy.memmap(prefix + ".idx", mode="r", order="C")
    lengths = numpy.frombuffer(buffer, dtype=numpy.int32, count=sequence_count, offset=offset)
    pointers = numpy.frombuffer(buffer, dtype=numpy.int64, count=sequence_count, offset=offset + lengths.nbytes)
    document_indices = numpy.frombuffer(buffer, dtype=numpy.int64, count=document_count,
                                        offset=offset + lengths.nbytes + pointers.nbytes)
    if offset + lengths.nbytes + pointers.nbytes + document_indices.nbytes != len(buffer):
        raise SystemExit("index size %d does not match its header" % len(buffer))
    data = numpy.memmap(prefix + ".bin", mode="r", order="C")
    documents = []
    for d in range(document_count - 1):
        sentences = []
        for s in range(document_indices[d], document_indices[d + 1]):
            ids = numpy.frombuffer(data, dtype=dtype, count=int(lengths[s]), offset=int(pointers[s]))
            sentences.append([int(i) for i in ids])
        documents.append(sentences)
    return {"dtype": numpy.dtype(dtype).name, "documents": documents}


if __name__ == "__main__":
    json.dump({prefix: read(prefix) for prefix in sys.argv[1:]}, sys.stdout)

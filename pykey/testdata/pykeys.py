"""Compute the Python cachetoolz keys of a corpus of calls.

Reads a JSON array of cases from stdin and writes one JSON line per case:
{"p4": hex, "p5": hex, "md5_4": hex, "md5_5": hex, "ops": [names],
"frames": n} or {"error": text}, where ops are the opcodes of the protocol 4
pickle and frames its number of FRAME opcodes.

A case is [module, name, typed, args, kwargs], names as hex of their UTF-8
bytes, args a list of tagged values, kwargs a list of [name, value] pairs in
sorted order of the names. A tagged value is a list:
  ["N"] None, ["T"] True, ["F"] False, ["i", decimal] int,
  ["f", hex of the big-endian double] float, ["s", hex of UTF-8] str,
  ["b", hex] bytes, ["t", [values]] tuple, ["l", [values]] list,
  ["d", [[key, value], ...]] dict, built in sorted order of its keys.

Objects are built as values decoded at run time are: every str and bytes
is a new object, except those CPython keeps one instance of (the empty
ones, one-character str below U+0100, one-byte bytes). Module, function and
keyword names are interned, as Python's identifiers are.
"""

import hashlib
import json
import pickle
import pickletools
import struct
import sys


def text(h):
    # Decoding makes a new object, or CPython's single instance of an empty
    # or one-character Latin-1 string.
    return bytes.fromhex(h).decode("utf-8")


def name(h):
    s = text(h)
    if len(s) > 1 or (len(s) == 1 and ord(s) > 0xFF):
        # CPython's one-character Latin-1 strings are single instances
        # already; Python 3.11 and 3.12 intern others in their place.
        s = sys.intern(s)
    return s


def value(v):
    tag = v[0]
    if tag == "N":
        return None
    if tag == "T":
        return True
    if tag == "F":
        return False
    if tag == "i":
        return int(v[1])
    if tag == "f":
        return struct.unpack(">d", bytes.fromhex(v[1]))[0]
    if tag == "s":
        return text(v[1])
    if tag == "b":
        return bytes.fromhex(v[1])
    if tag == "t":
        return tuple(value(x) for x in v[1])
    if tag == "l":
        return [value(x) for x in v[1]]
    if tag == "d":
        pairs = [(value(k), value(x)) for k, x in v[1]]
        pairs.sort(key=lambda kv: kv[0])
        return {k: x for k, x in pairs}
    raise ValueError("unknown tag %r" % (tag,))


def key(module, fname, typed, args, kwargs, protocol):
    """The key of the Python cachetoolz library, before hashing."""
    k = ((module, fname), args, tuple(sorted(kwargs.items())))
    if typed:
        k += tuple(type(v) for v in args)
        k += tuple(type(v) for v in sorted(kwargs.values()))
    return pickle.dumps(k, protocol=protocol)


def main():
    cases = json.load(sys.stdin)
    out = sys.stdout
    for module, fname, typed, args, kwargs in cases:
        module, fname = name(module), name(fname)
        a = tuple(value(x) for x in args)
        kw = {}
        for k, x in kwargs:
            kw[name(k)] = value(x)
        res = {}
        try:
            for p in (4, 5):
                b = key(module, fname, typed, a, kw, p)
                res["p%d" % p] = b.hex()
                res["md5_%d" % p] = hashlib.md5(b).hexdigest()
                if p == 4:
                    ops = [op.name for op, _, _ in pickletools.genops(b)]
                    res["ops"] = sorted(set(ops))
                    res["frames"] = ops.count("FRAME")
        except Exception as e:  # the Python library's call would raise
            res = {"error": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(res))
        out.write("\n")


if __name__ == "__main__":
    main()

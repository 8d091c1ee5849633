"""The Python side of the seed-layout tests: a cache that writes Redis as the
Python cachetoolz 0.3.2 does (keys, value format and layout written from its
description, not from its code), with redis-py.

Usage: seedcache.py REDIS_URL < ops.json > results.json

ops.json is a JSON list of operations, run in order; the output is a JSON
list with one result per operation:

  {"op": "call", "ns", "module", "name", "args", "kwargs", "value", "protocol",
   "ttl"}
      calls a function of that __module__ and __name__, cached in ns by the
      decorator below, with args (a list) and kwargs (a dict) in the tagged
      form of untag. On a miss the function returns eval(value).
      Result: {"key", "ran", "got", "ok", "why"}: the Redis key, whether
      the function ran, dumps() of what the call returned, and, when the
      operation has "want", whether that value is exactly eval(want).
  {"op": "check", "got", "want"}
      decodes the text got (loads) and compares it with eval(want).
      Result: {"ok", "why"}.
  {"op": "clear", "ns"}
      the seed's clear of ns. Result: {"deleted": n}.
  {"op": "get", "key"}  Result: {"raw": the text under key, or null}.

Standard library and redis-py only; the value format is the one of
codec/testdata/seedwire.py, which the codec's exchange test uses too.
"""

import functools
import hashlib
import json
import math
import os
import pickle
import sys

import redis

# The value format is shared with the codec's tests; isolated mode (-I)
# leaves every folder off the path, so it is added here.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "codec", "testdata"))

from seedwire import dumps, env, loads, same  # noqa: E402


# The key (WIRE.md, "Keys"), with the pickle protocol passed explicitly.


def make_key(namespace, func, args, kwargs, protocol):
    data = pickle.dumps(((func.__module__, func.__name__), args, tuple(sorted(kwargs.items()))), protocol=protocol)
    return namespace + ":" + hashlib.md5(data).hexdigest()


# The layout (WIRE.md, "Redis layout").

FOREVER = 20000 * 7 * 24 * 3600


class SeedCache:
    def __init__(self, url):
        self.r = redis.Redis.from_url(url, decode_responses=True)

    def cached(self, namespace, ttl=math.inf, protocol=4):
        def wrap(func):
            @functools.wraps(func)
            def call(*args, **kwargs):
                key = make_key(namespace, func, args, kwargs, protocol)
                raw = self.r.get(key)
                if raw is not None:
                    return key, False, loads(raw)
                value = func(*args, **kwargs)
                ex = FOREVER if ttl == math.inf else int(ttl)
                self.r.set(key, dumps(value), ex=ex)
                return key, True, value

            return call

        return wrap

    def clear(self, namespace):
        # The seed does not escape glob characters; neither does this.
        n = 0
        for key in self.r.scan_iter(match=namespace + ":*"):
            n += self.r.delete(key)
        return n


# Arguments in tagged form: {"t": kind, "v": value}.


def untag(a):
    t, v = a["t"], a.get("v")
    if t == "none":
        return None
    if t == "bool":
        return bool(v)
    if t == "int":
        return int(v)
    if t == "float":
        return float.fromhex(v)
    if t == "str":
        return v
    if t == "bytes":
        return bytes.fromhex(v)
    if t == "list":
        return [untag(x) for x in v]
    if t == "tuple":
        return tuple(untag(x) for x in v)
    if t == "dict":  # pairs in the order the dict is built
        return {untag(k): untag(x) for k, x in v}
    raise ValueError(f"unknown tag {t!r}")


def main():
    cache = SeedCache(sys.argv[1])
    ns = env()
    out = []
    for op in json.load(sys.stdin):
        kind = op["op"]
        if kind == "call":
            value = op.get("value", "None")

            def func(*args, **kwargs):
                return eval(value, ns)

            func.__module__, func.__name__ = op["module"], op["name"]
            fn = cache.cached(op["ns"], op.get("ttl", math.inf), op.get("protocol", 4))(func)
            args = [untag(a) for a in op.get("args") or []]
            kwargs = {k: untag(v) for k, v in (op.get("kwargs") or {}).items()}
            key, ran, got = fn(*args, **kwargs)
            r = {"key": key, "ran": ran, "got": dumps(got), "ok": True, "why": ""}
            if "want" in op:
                try:
                    same(got, eval(op["want"], ns))
                except Exception as e:  # reported to the Go test
                    r["ok"], r["why"] = False, f"{type(e).__name__}: {e}"
            out.append(r)
        elif kind == "check":
            r = {"ok": False, "why": ""}
            try:
                same(loads(op["got"]), eval(op["want"], ns))
                r["ok"] = True
            except Exception as e:  # reported to the Go test
                r["why"] = f"{type(e).__name__}: {e}"
            out.append(r)
        elif kind == "clear":
            out.append({"deleted": cache.clear(op["ns"])})
        elif kind == "get":
            out.append({"raw": cache.r.get(op["key"])})
        else:
            raise ValueError(f"unknown op {kind!r}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

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

Standard library and redis-py only.
"""

import collections
import datetime
import decimal
import functools
import hashlib
import ipaddress
import json
import math
import pathlib
import pickle
import re
import sys
import uuid

import redis


class Money:
    """A type of the user's own, registered under the name "money"."""

    def __init__(self, cents, currency):
        self.cents, self.currency = cents, currency

    def __eq__(self, other):
        return type(other) is Money and (self.cents, self.currency) == (other.cents, other.currency)

    def __hash__(self):
        return hash((self.cents, self.currency))

    def __repr__(self):
        return f"Money({self.cents!r}, {self.currency!r})"


# The value format (WIRE.md, "Values").


def charset(b):
    for name in ("ascii", "utf-8"):
        try:
            b.decode(name)
            return name
        except UnicodeDecodeError:
            pass
    raise TypeError("bytes in no detectable charset")


def envelope(name, val):
    return {"__val": val, "__decoder": name}


# Subclasses before their bases: a datetime is a date, an interface an address.
ENCODERS = [
    (frozenset, lambda o: envelope("frozenset", list(o))),
    (set, lambda o: envelope("set", list(o))),
    (bytes, lambda o: envelope("bytes", {"bytes": o.decode(charset(o)), "encoding": charset(o)})),
    (uuid.UUID, lambda o: envelope("uuid", str(o))),
    (pathlib.PosixPath, lambda o: envelope("posixpath", str(o))),
    (collections.deque, lambda o: envelope("deque", {"iterable": list(o), "maxlen": o.maxlen})),
    (re.Pattern, lambda o: envelope("pattern", {"pattern": json.dumps(o.pattern), "flags": o.flags})),
    (datetime.datetime, lambda o: envelope("datetime", str(o))),
    (datetime.time, lambda o: envelope("time", str(o))),
    (datetime.date, lambda o: envelope("date", str(o))),
    (datetime.timedelta, lambda o: envelope("timedelta", o.total_seconds())),
    (decimal.Decimal, lambda o: envelope("decimal", str(o))),
    (ipaddress.IPv4Interface, lambda o: envelope("ipv4interface", str(o))),
    (ipaddress.IPv6Interface, lambda o: envelope("ipv6interface", str(o))),
    (ipaddress.IPv4Address, lambda o: envelope("ipv4address", str(o))),
    (ipaddress.IPv6Address, lambda o: envelope("ipv6address", str(o))),
    (ipaddress.IPv4Network, lambda o: envelope("ipv4network", str(o))),
    (ipaddress.IPv6Network, lambda o: envelope("ipv6network", str(o))),
    (Money, lambda o: envelope("money", [o.cents, o.currency])),
]

DECODERS = {
    "set": set,
    "frozenset": frozenset,
    "bytes": lambda v: bytes(v["bytes"], v["encoding"]),
    "uuid": uuid.UUID,
    "posixpath": pathlib.PosixPath,
    "deque": lambda v: collections.deque(v["iterable"], v["maxlen"]),
    "pattern": lambda v: re.compile(json.loads(v["pattern"]), v["flags"]),
    "time": datetime.time.fromisoformat,
    "date": datetime.date.fromisoformat,
    "datetime": datetime.datetime.fromisoformat,
    "timedelta": lambda v: datetime.timedelta(seconds=v),
    "decimal": decimal.Decimal,
    "ipv4address": ipaddress.IPv4Address,
    "ipv4interface": ipaddress.IPv4Interface,
    "ipv4network": ipaddress.IPv4Network,
    "ipv6address": ipaddress.IPv6Address,
    "ipv6interface": ipaddress.IPv6Interface,
    "ipv6network": ipaddress.IPv6Network,
    "money": lambda v: Money(*v),
}


class Encoder(json.JSONEncoder):
    def default(self, o):
        for typ, enc in ENCODERS:
            if isinstance(o, typ):
                return enc(o)
        return super().default(o)


def hook(obj):
    if "__decoder" in obj:
        return DECODERS[obj["__decoder"]](obj["__val"])
    return obj


def dumps(v):
    return json.dumps(v, cls=Encoder)


def loads(s):
    return json.loads(s, object_hook=hook)


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


def same(a, b, path="$"):
    """Raise unless a and b are the same value of the same types."""
    if type(a) is not type(b):
        raise AssertionError(f"{path}: type {type(a).__name__} vs {type(b).__name__}")
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return
        if a != b or math.copysign(1, a) != math.copysign(1, b):
            raise AssertionError(f"{path}: {a!r} vs {b!r}")
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            raise AssertionError(f"{path}: length {len(a)} vs {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, collections.deque):
        if a.maxlen != b.maxlen:
            raise AssertionError(f"{path}: maxlen {a.maxlen} vs {b.maxlen}")
        same(list(a), list(b), path)
    elif isinstance(a, dict):
        if set(a) != set(b):
            raise AssertionError(f"{path}: keys {sorted(a)} vs {sorted(b)}")
        for k in a:
            same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, (set, frozenset)):
        if a != b:
            raise AssertionError(f"{path}: {a!r} vs {b!r}")
        same(sorted(a, key=repr), sorted(b, key=repr), path)
    elif isinstance(a, decimal.Decimal):
        if str(a) != str(b):
            raise AssertionError(f"{path}: {a} vs {b}")
    elif isinstance(a, (datetime.datetime, datetime.time)):
        if a != b or a.utcoffset() != b.utcoffset() or (a.tzinfo is None) != (b.tzinfo is None) or str(a) != str(b):
            raise AssertionError(f"{path}: {a!r} vs {b!r}")
    elif isinstance(a, re.Pattern):
        if a.pattern != b.pattern or a.flags != b.flags:
            raise AssertionError(f"{path}: {a!r} vs {b!r}")
    elif a != b:
        raise AssertionError(f"{path}: {a!r} vs {b!r}")


def env():
    ns = {m: __import__(m) for m in ("collections", "datetime", "decimal", "ipaddress", "pathlib", "re", "uuid")}
    ns.update(
        Money=Money,
        deque=collections.deque,
        Decimal=decimal.Decimal,
        date=datetime.date,
        time=datetime.time,
        dt=datetime.datetime,
        td=datetime.timedelta,
        tz=datetime.timezone,
        PosixPath=pathlib.PosixPath,
        UUID=uuid.UUID,
        inf=math.inf,
        nan=math.nan,
    )
    return ns


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

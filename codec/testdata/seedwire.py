"""The value format of the Python cachetoolz (WIRE.md, "Values"): an encoder
and a decoder written from its description, not from its code, with the
helpers the tests that exchange values with Go share: same, which compares
two values exactly, and env, the names the Go tests' Python expressions use.

Imported by pyexchange.py (this folder) and by the Redis backend's
redis/testdata/seedcache.py. Standard library only.
"""

import collections
import datetime
import decimal
import ipaddress
import json
import math
import pathlib
import re
import uuid


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


# Order matters: subclasses before their bases (datetime is a date, an
# interface is an address).
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
        # Equal members may still differ in type (1 == 1.0 == True).
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

"""The Python side of TestPythonExchange: the value format of the Python
cachetoolz (an encoder and a decoder written from its description), run on
cases sent by the Go test.

Input (stdin): a JSON list of cases {"name", "expr", "decoded", "go"}:
expr builds the Python value, decoded (or expr) is what decoding Go's
bytes must give, go is the Go encoding of the case's Go value.

Output (stdout): a JSON object of name -> {"ok", "why", "reenc", "py"}:
ok tells whether decoding go gave exactly the decoded value, reenc is the
encoding of what was decoded, py the encoding of expr's value.

Standard library only.
"""

import json
import os
import sys

# Isolated mode (-I) leaves the script's folder off the path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from seedwire import dumps, env, loads, same  # noqa: E402


def main():
    cases = json.load(sys.stdin)
    ns = env()
    out = {}
    for c in cases:
        r = {"ok": False, "why": "", "reenc": "", "py": ""}
        try:
            want = eval(c["expr"], ns)
            r["py"] = dumps(want)
            if c.get("decoded"):
                want = eval(c["decoded"], ns)
            got = loads(c["go"])
            same(got, want)
            r["reenc"] = dumps(got)
            r["ok"] = True
        except Exception as e:  # reported to the Go test
            r["why"] = f"{type(e).__name__}: {e}"
        out[c["name"]] = r
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

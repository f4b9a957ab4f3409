"""The nesting check of request bodies (api/nesting.py) on adversarial bodies, against parsing an ordinary body.

    python bench/json_nesting.py

Each row times the check over a body built to be slow for a scanner (the median of several runs), as a ratio to
`json.loads` of an ordinary 1 MB JSON document, timed in the same run: the parse every accepted body goes through
anyway. Linear is the goal: no row far above 1, whatever the shape. The check it replaced searched for a string's
end again from every quote: 80 KB of escaped quotes took it 19 s.
"""

from __future__ import annotations

import json
import statistics
import time

from nself_oncall.api.nesting import nested_deeper_than

MB = 1024 * 1024
ROUNDS = 5
BODIES = {
    "80 KB of escaped quotes, unterminated": '{"a": "' + "[" * 40 + '", "b": "' + '\\"' * 40_000,
    "1 MB of escaped quotes, unterminated": '{"a": "' + "[" * 40 + '", "b": "' + '\\"' * (MB // 2),
    "1 MB nested 500,000 deep": "[" * (MB // 2) + "]" * (MB // 2),
    "1 MB of [] pairs": "[" + "[]," * (MB // 3) + "[]]",
    "1 MB of strings full of brackets": "[" + '"[[[[{{{{\\"]]]]",' * (MB // 18) + "1]",
    "1 MB of lone quotes": "[" * 40 + '"' * MB,
}


def median_seconds(work) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    ordinary = json.dumps([{"id": f"user-{i}", "contacts": [{"channel": "pager", "address": f"+1555{i:07d}"}]}
                           for i in range(MB // 85)])
    baseline = median_seconds(lambda: json.loads(ordinary))
    print(f"baseline: json.loads of an ordinary {len(ordinary) / MB:.1f} MB document: {baseline * 1000:.1f} ms")
    for name, body in BODIES.items():
        seconds = median_seconds(lambda body=body: nested_deeper_than(body, 32))
        print(f"{name:<40} {len(body) / MB:5.2f} MB  {seconds * 1000:7.1f} ms  {seconds / baseline:5.2f}x the baseline")


if __name__ == "__main__":
    main()

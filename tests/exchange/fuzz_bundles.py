"""Long fuzz runs of the bundle reader (issue 7, part 5): 0 crashes, 0 accepted malformed bundles.

    python tests/exchange/fuzz_bundles.py [--minutes 30 | --examples 1000000] [--seed 1] [--save DIR] [--json]

Each example is made from its own seed (``--seed`` + example number), so any failure replays exactly
with ``--seed N --examples 1``. An example is one of: arbitrary bytes; random bytes between a ZIP
local-header signature and an end record; a valid bundle damaged one to four times by the mutations
in ``mutations.py`` (bit flips, byte changes, insertions, deletions, cuts, splices of two bundles,
ZIP header fields set to edge values, members swapped between bundles, re-zipping with Python's
zipfile, edited manifest text); or an archive with hostile names, methods, flags, sizes and modes.

Every example is given to ``inspect_bundle`` and ``open_bundle``. A *crash* is any exception other
than ``BundleRejected``; an *accepted malformed bundle* is one that opens (or inspects) although its
bytes differ from every valid bundle in the corpus. ``--save DIR`` keeps the inputs of failures.
Prints counts per refusal reason and exits 1 if anything failed. The pytest suite runs the same
mutations for a fixed budget of 2,000 examples (``test_fuzz.py``).
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]

import mutations  # noqa: E402
from support import Node, Registry, raw_zip  # noqa: E402

from rangtang_desktop.exchange.bundle import BundleRejected, inspect_bundle, write_bundle  # noqa: E402


def make_corpus(folder: Path) -> tuple[dict[bytes, bytes], Registry, Node]:
    township = Node.make()
    senders = [Node.make() for _ in range(3)]
    originals = {}
    for sender, kind, payload in zip(
        senders, ("changes", "receipt", "enrollment-request"), (b"payload " * 40, None, None), strict=True
    ):
        written = write_bundle(
            folder,
            kind=kind,
            sender=sender.sender,
            recipient=None if kind == "enrollment-request" else township.party,
            payload=payload,
            sequence=3,
            ranges={sender.node_id: [1, 9]},
            holds={sender.node_id: 9},
            counts={"changes": 9},
            extra={"note": "壤塘 རྔ་བ"},
        )
        originals[written.path.read_bytes()] = payload or b""
        written.path.unlink()
    return originals, Registry().enroll(*senders), township


def hostile_zip(rng: random.Random) -> bytes:
    names = ["manifest.json", "manifest.sig", "payload.bin", "../manifest.json", "/payload.bin", "a/b", "x.txt", ""]
    entries = []
    for _ in range(rng.randint(0, 5)):
        entry = {"name": rng.choice(names), "data": rng.randbytes(rng.randint(0, 80))}
        for key, values in (
            ("method", (0, 8, 12, 14, 99)),
            ("flags", (0, 1, 8, 0x40, 0x800)),
            ("mode", (0o100644, 0o120777, 0o040755)),
            ("system", (0, 3)),
        ):
            if rng.random() < 0.3:
                entry[key] = rng.choice(values)
        for key in ("size", "csize", "central_size", "crc"):
            if rng.random() < 0.2:
                entry[key] = rng.choice((0, 1, 64, 2**31, 2**32 - 1, rng.randrange(2**32)))
        entries.append(entry)
    return raw_zip(entries, trailer=rng.randbytes(rng.choice((0, 0, 3))))


def example(rng: random.Random, pool: list[bytes]) -> tuple[str, bytes]:
    roll = rng.random()
    if roll < 0.1:
        return "bytes", rng.randbytes(rng.randint(0, 2048))
    if roll < 0.2:
        return "zip-noise", mutations.struct_noise(rng)
    if roll < 0.3:
        return "hostile-zip", hostile_zip(rng)
    return "mutated", mutations.mutate(rng, rng.choice(pool), pool)


def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        originals, registry, township = make_corpus(folder)
        pool = list(originals)
        path = folder / "input.rtb"
        reasons: collections.Counter[str] = collections.Counter()
        failures = []
        deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
        count = 0
        start = time.monotonic()
        while (args.examples is None or count < args.examples) and (deadline is None or time.monotonic() < deadline):
            seed = args.seed + count
            count += 1
            kind, data = example(random.Random(seed), pool)
            path.write_bytes(data)
            problem = None
            try:
                try:
                    inspect_bundle(path)
                    if data not in originals:
                        problem = "inspect accepted a malformed bundle"
                except BundleRejected:
                    pass
                try:
                    opened = registry.open(path, township)
                    reasons["accepted"] += 1
                    if data not in originals or opened.payload != originals[data]:
                        problem = "open accepted a malformed bundle"
                except BundleRejected as refused:
                    reasons[refused.reason] += 1
            except Exception:  # a crash: exactly what this script looks for
                problem = "crash: " + traceback.format_exc(limit=3)
            if problem:
                failures.append({"seed": seed, "kind": kind, "problem": problem})
                if args.save:
                    Path(args.save).mkdir(parents=True, exist_ok=True)
                    Path(args.save, f"seed-{seed}.rtb").write_bytes(data)
        elapsed = time.monotonic() - start
    return {
        "examples": count,
        "seconds": round(elapsed, 1),
        "examples_per_second": round(count / elapsed) if elapsed else None,
        "crashes": sum(f["problem"].startswith("crash") for f in failures),
        "accepted_malformed": sum(not f["problem"].startswith("crash") for f in failures),
        "reasons": dict(reasons.most_common()),
        "failures": failures[:20],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=None, help="run for this long")
    parser.add_argument("--examples", type=int, default=None, help="run this many examples")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first example")
    parser.add_argument("--save", default=None, help="folder for the inputs of failures")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.minutes is None and args.examples is None:
        args.examples = 20_000
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(f"{result['examples']} examples in {result['seconds']} s ({result['examples_per_second']}/s)")
        print(f"crashes: {result['crashes']}, accepted malformed bundles: {result['accepted_malformed']}")
        for reason, number in result["reasons"].items():
            print(f"  {reason:24} {number}")
        for failure in result["failures"]:
            print(f"seed {failure['seed']} ({failure['kind']}): {failure['problem']}")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzzing the bundle reader for a fixed budget (2,000 examples): 0 crashes, 0 accepted malformed bundles.

Longer runs: ``python tests/exchange/fuzz_bundles.py --minutes 30`` (same mutations, see its docstring).
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rangtang_desktop.exchange.bundle import BundleRejected, inspect_bundle, write_bundle
from rangtang_desktop.exchange.manifest import canonical_json, manifest_to_json

from . import mutations
from .support import Node, Registry, raw_zip, resign

FUZZ = settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@cache
def corpus() -> tuple[dict[bytes, bytes], Registry, Node, dict[str, Node]]:
    """Three valid bundles addressed to one township (with payload, without, an enrollment request),
    mapped to their payloads; the township's registry; the township; the senders by node id."""
    township = Node.make()
    first, second, third = Node.make(), Node.make(), Node.make()
    originals = {}
    with tempfile.TemporaryDirectory() as folder:
        for sender, kind, payload in (
            (first, "changes", b"payload " * 40),
            (second, "receipt", None),
            (third, "enrollment-request", None),
        ):
            written = write_bundle(
                Path(folder),
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
    senders = {node.node_id: node for node in (first, second, third)}
    return originals, Registry().enroll(first, second, third), township, senders


def check(data: bytes, path: Path) -> str:
    """Inspect and open ``data``: each must refuse it with BundleRejected, or it is one of the originals
    exactly (and opens with that original's payload). Any other exception fails the test."""
    originals, registry, township, _ = corpus()
    path.write_bytes(data)
    try:
        inspect_bundle(path)
    except BundleRejected:
        pass
    else:
        assert data in originals, "inspect_bundle accepted a malformed bundle"
    try:
        opened = registry.open(path, township)
    except BundleRejected as refused:
        return refused.reason
    assert data in originals, "open_bundle accepted a malformed bundle"
    assert opened.payload == originals[data]
    return "accepted"


@FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes(tmp_path, data):
    """Arbitrary bytes are refused with BundleRejected (400 examples)."""
    assert check(data, tmp_path / "f.rtb") != "accepted"


@FUZZ
@given(st.randoms(use_true_random=False))
def test_zip_shaped_noise(tmp_path, rng):
    """Random bytes between a ZIP local-header signature and an end record are refused (400 examples)."""
    assert check(mutations.struct_noise(rng), tmp_path / "f.rtb") != "accepted"


@settings(FUZZ, max_examples=800)
@given(st.randoms(use_true_random=False), st.integers(0, 2))
def test_mutated_valid_bundles(tmp_path, rng, which):
    """Valid bundles damaged one to four times (flips, cuts, splices, re-zips, header fields) never open changed (800 examples)."""
    originals = list(corpus()[0])
    mutated = mutations.mutate(rng, originals[which], originals)
    check(mutated, tmp_path / "f.rtb")


NAMES = st.sampled_from(
    [
        "manifest.json",
        "manifest.sig",
        "payload.bin",
        "../manifest.json",
        "/payload.bin",
        "a/b",
        "x.txt",
        "",
        "manifest.json\x00",
        "payload.bin/",
        "C:\\x",
    ]
)
ENTRY = st.fixed_dictionaries(
    {"name": NAMES, "data": st.binary(max_size=80)},
    optional={
        "method": st.sampled_from([0, 1, 8, 9, 12, 14, 93, 99]),
        "flags": st.sampled_from([0, 1, 8, 0x20, 0x40, 0x800]),
        "size": st.integers(0, 2**32 - 1),
        "csize": st.integers(0, 2**32 - 1),
        "central_size": st.integers(0, 2**32 - 1),
        "crc": st.integers(0, 2**32 - 1),
        "mode": st.sampled_from([0, 0o100644, 0o120777, 0o040755, 0o010644]),
        "system": st.sampled_from([0, 3, 11]),
    },
)


@settings(FUZZ, max_examples=200)
@given(st.lists(ENTRY, max_size=5), st.binary(max_size=8))
def test_hostile_zip_structures(tmp_path, entries, trailer):
    """Archives with arbitrary names, methods, flags, declared sizes, CRCs and modes are refused (200 examples)."""
    assert check(raw_zip(entries, trailer=trailer), tmp_path / "f.rtb") != "accepted"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20) | st.binary(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(FUZZ, max_examples=200)
@given(st.data())
def test_signed_manifest_mutations(tmp_path, data):
    """Manifests with random field values, signed with the sender's real key, are refused or read back exactly as signed (200 examples)."""
    originals, registry, township, senders = corpus()
    original = next(iter(originals))
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        document, payload = json.loads(archive.read("manifest.json")), archive.read("payload.bin")
    sender = senders[document["sender"]["node_id"]]
    path = [document]
    for _ in range(data.draw(st.integers(0, 2))):  # descend into a nested object sometimes
        children = [k for k, v in path[-1].items() if isinstance(v, dict) and v]
        if not children:
            break
        path.append(path[-1][data.draw(st.sampled_from(sorted(children)))])
    target = path[-1]
    key = data.draw(st.sampled_from(sorted(target) + ["new"]))
    if data.draw(st.booleans()) and key in target:
        del target[key]
    else:
        target[key] = data.draw(JSON_VALUES)
    manifest = canonical_json(document)
    file = tmp_path / "f.rtb"
    file.write_bytes(resign(manifest, sender, payload))
    try:
        opened = registry.open(file, township)
    except BundleRejected:
        return
    assert canonical_json(manifest_to_json(opened.manifest)) == manifest
    assert opened.payload == originals[original]


def test_mutation_driver_is_deterministic():
    """The same seed gives the same mutations, so a fuzz failure can be replayed from its seed."""
    originals = list(corpus()[0])
    first = mutations.mutate(random.Random(7), originals[0], originals, rounds=3)
    assert first == mutations.mutate(random.Random(7), originals[0], originals, rounds=3)

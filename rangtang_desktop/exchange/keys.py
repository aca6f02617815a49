"""Node keys: an Ed25519 key for signing and an X25519 key for encryption, made on first run, and
the fingerprints people compare on two screens when a village enrolls at its township."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw


@dataclass(frozen=True)
class NodeKeys:
    signing_private: bytes
    signing_public: bytes
    encryption_private: bytes
    encryption_public: bytes


def generate_node_keys() -> NodeKeys:
    signing = Ed25519PrivateKey.generate()
    encryption = X25519PrivateKey.generate()
    none = serialization.NoEncryption()
    return NodeKeys(
        signing.private_bytes(_RAW, _RAW_PRIVATE, none),
        signing.public_key().public_bytes(_RAW, _RAW_PUBLIC),
        encryption.private_bytes(_RAW, _RAW_PRIVATE, none),
        encryption.public_key().public_bytes(_RAW, _RAW_PUBLIC),
    )


def fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw public key, first 128 bits, as eight groups of four hex digits."""
    digest = hashlib.sha256(public_key).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))

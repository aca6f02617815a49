"""Node keys: an Ed25519 key for signing and an X25519 key for encryption, made on first run, and
the fingerprints people compare on two screens when a village enrolls at its township. Keys travel
as raw 32-byte values; signatures are raw 64-byte Ed25519 signatures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
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


def signing_public_from_private(signing_private: bytes) -> bytes:
    """The raw Ed25519 public key that belongs to a raw private key."""
    return Ed25519PrivateKey.from_private_bytes(signing_private).public_key().public_bytes(_RAW, _RAW_PUBLIC)


def encryption_public_from_private(encryption_private: bytes) -> bytes:
    """The raw X25519 public key that belongs to a raw private key."""
    return X25519PrivateKey.from_private_bytes(encryption_private).public_key().public_bytes(_RAW, _RAW_PUBLIC)


def sign(signing_private: bytes, data: bytes) -> bytes:
    """The raw 64-byte Ed25519 signature (RFC 8032, pure Ed25519) of ``data``."""
    return Ed25519PrivateKey.from_private_bytes(signing_private).sign(data)


def verify_signature(signing_public: bytes, data: bytes, signature: bytes) -> bool:
    """True if ``signature`` is a valid Ed25519 signature of ``data`` by ``signing_public``; False for
    a wrong signature or a key or signature that is not even well-formed."""
    if len(signing_public) != 32 or len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(signing_public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def signing_public_pem(signing_public: bytes) -> bytes:
    """The Ed25519 public key as a PEM SubjectPublicKeyInfo, the form ``openssl pkeyutl -pubin`` reads."""
    return Ed25519PublicKey.from_public_bytes(signing_public).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

"""Payload encryption to one recipient: ephemeral-static X25519, HKDF-SHA256, ChaCha20-Poly1305.

For every bundle a fresh ephemeral X25519 key is made and combined with the recipient's X25519
public key. The shared secret goes through HKDF-SHA256 with

* salt = ephemeral public key (32 bytes) + recipient public key (32 bytes),
* info = ``b"rangtang-bundle v1"`` + the bundle id (UTF-8),

to a 32-byte ChaCha20-Poly1305 key. The nonce is 12 random bytes, the associated data is the bundle
id (UTF-8). The ephemeral public key and the nonce travel in the signed manifest; the ephemeral
private key is thrown away, so only the recipient can decrypt (not even the sender).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HKDF_INFO_PREFIX = b"rangtang-bundle v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw


class DecryptionFailed(ValueError):
    """The payload could not be decrypted: wrong key, or ciphertext or parameters changed."""


def _payload_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes, bundle_id: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=ephemeral_public + recipient_public,
        info=HKDF_INFO_PREFIX + bundle_id.encode("utf-8"),
    )
    return hkdf.derive(shared)


def encrypt_payload(payload: bytes, recipient_public: bytes, bundle_id: str) -> tuple[bytes, bytes, bytes]:
    """Encrypt ``payload`` to ``recipient_public``; return (ephemeral public key, nonce, ciphertext)."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _payload_key(shared, ephemeral_public, recipient_public, bundle_id)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, payload, bundle_id.encode("utf-8"))
    return ephemeral_public, nonce, ciphertext


def decrypt_payload(
    ciphertext: bytes, recipient_private: bytes, ephemeral_public: bytes, nonce: bytes, bundle_id: str
) -> bytes:
    """Decrypt a payload made by ``encrypt_payload``; raise ``DecryptionFailed`` if anything is wrong."""
    try:
        private = X25519PrivateKey.from_private_bytes(recipient_private)
        recipient_public = private.public_key().public_bytes(_RAW, _RAW_PUBLIC)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _payload_key(shared, ephemeral_public, recipient_public, bundle_id)
        return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, bundle_id.encode("utf-8"))
    except (InvalidTag, ValueError) as error:  # ValueError: malformed key, or an all-zero shared secret
        raise DecryptionFailed(type(error).__name__) from error

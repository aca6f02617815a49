"""The bundle format checked with second implementations: OpenSSL verifies the manifest signature, unzip reads the archive."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest

from rangtang_desktop.exchange.keys import signing_public_pem

from .support import write_changes


def openssl_verify(folder, manifest: bytes, signature: bytes, public_key: bytes) -> subprocess.CompletedProcess:
    (folder / "manifest.json").write_bytes(manifest)
    (folder / "manifest.sig").write_bytes(signature)
    (folder / "pub.pem").write_bytes(signing_public_pem(public_key))
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        str(folder / "pub.pem"),
        "-rawin",
        "-in",
        str(folder / "manifest.json"),
        "-sigfile",
        str(folder / "manifest.sig"),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.fixture
def openssl():
    """Skip unless an openssl command line of version 3 or newer (with -rawin) is installed."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command line is not installed")
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout
    if not version.startswith("OpenSSL ") or int(version.split()[1].split(".")[0]) < 3:
        pytest.skip(f"openssl pkeyutl -rawin needs OpenSSL 3 ({version.strip()})")


def test_openssl_verifies_manifest_signature(openssl, tmp_path, stick, village, township):
    """OpenSSL accepts manifest.sig as an Ed25519 signature of manifest.json by the sender's key, and refuses a change."""
    written = write_changes(stick, village, township)
    with zipfile.ZipFile(written.path) as archive:
        manifest, signature = archive.read("manifest.json"), archive.read("manifest.sig")
    result = openssl_verify(tmp_path, manifest, signature, village.keys.signing_public)
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout
    tampered = manifest.replace(b'"sequence":1', b'"sequence":2')
    assert tampered != manifest
    assert openssl_verify(tmp_path, tampered, signature, village.keys.signing_public).returncode != 0


def test_unzip_reads_the_archive(tmp_path, stick, village, township):
    """Info-ZIP's unzip tests the archive without errors and extracts the same member bytes."""
    if shutil.which("unzip") is None:
        pytest.skip("unzip is not installed")
    written = write_changes(stick, village, township)
    check = subprocess.run(["unzip", "-t", str(written.path)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout
    subprocess.run(["unzip", "-q", str(written.path), "-d", str(tmp_path / "out")], check=True, timeout=60)
    with zipfile.ZipFile(written.path) as archive:
        for name in archive.namelist():
            assert (tmp_path / "out" / name).read_bytes() == archive.read(name)

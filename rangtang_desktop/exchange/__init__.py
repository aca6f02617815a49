"""Exchange: node keys and the bundle format (manifest, canonical JSON, signing, encryption, atomic
file writes, verification); the public bundle API is in ``exchange.bundle``. No Qt, no database."""

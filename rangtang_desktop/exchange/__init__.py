"""Exchange: node keys, and (later) the bundle format, signing, encryption and merge. No Qt."""

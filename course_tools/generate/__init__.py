"""Generate notebooks from content, deterministically (same content, same bytes)."""

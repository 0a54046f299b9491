"""Course content: loading, validating and locating content/."""

"""Activities: pure logic (items, checking, scoring, feedback), no ipywidgets import."""

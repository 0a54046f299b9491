"""Tests of the grading lifecycle on a real nbgrader course."""

"""Instructor views (the grading dashboard, class analytics): widgets over course_tools.rubric, kept apart
from the students' activity views."""

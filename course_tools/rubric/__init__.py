"""Rubric grading over nbgrader's gradebook: rubric items per question, grades per answer, blind
labels, one-query queues, re-scoring after rubric edits, analytics and reports. No widgets here:
the dashboard and analytics views in course_tools.widgets are thin layers over these modules."""

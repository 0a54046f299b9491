"""Names every part of the course agrees on, in one place (importing this costs nothing: the CLI's
option defaults read it before any command runs)."""

COURSE_ID = "mobilizing-action"  # the nbgrader course id of a course folder and of the class hub
REVIEW_ASSIGNMENT = "review6"  # the graded assignment: Review #6 of the module

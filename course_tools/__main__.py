from course_tools.cli import run

run()

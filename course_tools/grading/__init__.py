"""The nbgrader lifecycle: course folder, intake, autograde, feedback, export, safety."""

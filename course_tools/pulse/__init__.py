"""The live class pulse: students' Check results, gathered by a JupyterHub service for the instructor.

- `record`: what a kernel sends (activity id, lesson id, score, the options chosen; never free text).
- `client`: the kernel side, a background POST with the server's JupyterHub token; off without a hub.
- `store`: SQLAlchemy storage (SQLite in the hub's runtime folder by default, any database URL works).
- `service`: the hub-managed tornado service with the instructors' live page.
"""

"""The class hub's own parts that JupyterHub loads by name: the proxy, the spawner, the sockets and limits.

Imported by the hub process only (deploy/jupyterhub/jupyterhub_config.py), never in a student's kernel.
"""

"""``make bench``: CourseHub's hot pages measured against a floor served in the same run.

Absolute requests per second depend on the machine and on whoever else is using it; a ratio against a
minimal Flask app measured minutes apart on the same machine, under the same gunicorn settings, does
not. See ``bench/README.md`` for how to run it and how to read ``bench/results.json``.
"""

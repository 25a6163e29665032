"""Course content: courses, modules, lessons and quizzes as rows; the ``courses/`` files (parse, validate,
import, export); Markdown rendering; read queries such as the syllabus. The bottom of the feature layers.
"""

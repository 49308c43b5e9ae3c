"""pickenv: pick venv, virtualenv, pipenv or conda for a Python project, then scaffold it."""

__version__ = "0.4.0"

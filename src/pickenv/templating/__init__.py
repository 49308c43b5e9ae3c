"""Copier templates and their lifecycle: where a template comes from (a path, a URL, a team
file), the built-in template's history, rendering, `pickenv update`, and `template check`."""

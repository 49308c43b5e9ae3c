"""Creating a project: its name, its fields, placing the rendered template atomically,
git, and the `new` service that ties them together."""

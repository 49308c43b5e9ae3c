"""The answer policy every command follows (``answering.policy``): the user's answers, the
team file's, an existing project's, prompts and defaults, in one order."""

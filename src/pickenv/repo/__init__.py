"""git, the one way pickenv runs it: the runner and its errors in a user's words
(``repo.git``), and a user's work tree as a change to a project needs it (``repo.worktree``)."""

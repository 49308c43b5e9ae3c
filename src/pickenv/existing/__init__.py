"""Existing projects: which tool they use (detect), what their files say about the
questionnaire's answers (infer), and moving them to another tool (switch)."""

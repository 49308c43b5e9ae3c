"""The questions pickenv asks, and how answers are collected: flags, an answers file,
defaults, or prompts on a terminal (questionary, imported only when prompting)."""

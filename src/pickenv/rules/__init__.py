"""The rules: the model of a rules file, its loader and layering, the parsed-rules
cache, the engine that ranks tools, and the exhaustive check over every answer."""

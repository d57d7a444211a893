"""Facts: what the per-file phase learns about a file, picklable, with no syntax tree inside."""

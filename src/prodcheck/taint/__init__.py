"""The one taint engine: language adapters lower functions to `ir`, the engine runs on facts only."""

"""The query engine: what every screen, command and export computes from a dataset."""

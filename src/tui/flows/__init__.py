"""Flows: one module per multi-step user task (export, saved views, opening a file)."""

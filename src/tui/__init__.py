"""Keyboard-driven terminal explorer for sexual communication with a child offence statistics."""

__version__ = "0.1.0"

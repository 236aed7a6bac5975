"""Screens: help, about data, sources, pickers."""

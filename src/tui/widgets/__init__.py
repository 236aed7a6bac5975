"""Display-only widgets; they post messages and never query data or touch each other."""

"""Snippet rendering: an operation record -> a request model -> code in a target language."""

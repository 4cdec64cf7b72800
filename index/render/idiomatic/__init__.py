"""Idiomatic renderers: the code today's developers write, credentials from the environment."""

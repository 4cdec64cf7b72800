"""Errors of the model runtime; each is a clear one-line message and never stops rendering."""

from apicall.index.errors import ApicallError


class ModelUnavailable(ApicallError):
    """The model file is missing or corrupt, or llama.cpp is not installed."""


class PromptTooLong(ApicallError):
    """The prompt and the answer would not fit in the model's context window."""

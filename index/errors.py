"""Errors raised by ingestion and the index, each with a one-line message for the user."""


class ApicallError(Exception):
    """Base class for errors that are reported to the user as one line."""


class SpecLoadError(ApicallError):
    """A spec file could not be read or parsed; it is skipped."""


class IndexError_(ApicallError):
    """The index directory is unusable (wrong embedder, corrupt metadata...)."""


class EmbedderError(ApicallError):
    """The embedding model could not be found or loaded."""

"""The one exception hierarchy: every message names the file and says what to do next."""


class ComparatorError(Exception):
    """Base class; the CLI prints ``Error: <message>`` and exits non-zero."""

    exit_code = 1


class InputError(ComparatorError):
    """A corpus file or folder cannot be used as given."""


class ManifestError(InputError):
    """The corpus manifest (corpus.toml) has a mistake."""


class ModelError(ComparatorError):
    """The embedding model cannot be found or loaded."""


class OutputError(ComparatorError):
    """A run folder or export cannot be written."""


class ConfigError(ComparatorError):
    """A configuration file or option is invalid."""

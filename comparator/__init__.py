"""comparator: which concerns a government reply answered, deflected or ignored."""

__version__ = "0.1.0"

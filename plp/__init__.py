"""plp: a workflow engine for the PLP project method in regional collaboration."""

__version__ = "0.1.0"

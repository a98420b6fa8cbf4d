"""Connectors: sources that produce ``RawArticle`` records and sinks that deliver records."""

from connectors.base import ListSink, Sink
from connectors.files import read_paths

__all__ = ["ListSink", "Sink", "read_paths"]

"""backchannel's streaming layer: records, topics, settings, runtimes and the CLI."""

from streams.errors import BackchannelError, ConfigError
from streams.records import SCHEMA_VERSION
from streams.settings import Settings, load_settings

__all__ = ["SCHEMA_VERSION", "BackchannelError", "ConfigError", "Settings", "load_settings"]

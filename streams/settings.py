"""Runtime settings: one frozen object, built once by the CLI and passed down.

Precedence, highest first: command-line flag > ``BACKCHANNEL_*`` environment variable >
config file (YAML, ``--config`` or ``BACKCHANNEL_CONFIG``, else ``./backchannel.yaml`` when
present) > the defaults below. This is the only module that reads the environment.

Nested sections use ``__`` in environment variables, e.g.
``BACKCHANNEL_ALERTS__ALERTMANAGER_URL=http://127.0.0.1:9093``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import pydantic
import yaml
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from streams.errors import ConfigError

__all__ = [
    "AlertSettings",
    "DedupSettings",
    "KafkaSecurity",
    "Settings",
    "load_settings",
]

ENV_PREFIX = "BACKCHANNEL_"
DEFAULT_CONFIG_FILE = "backchannel.yaml"
DEFAULT_PARTITIONS = 4
DEFAULT_METRICS_PORT = 9464  # the port prometheus_client exporters conventionally take
DEFAULT_DEDUP_HORIZON_DAYS = 7.0
_HOST_PORT = re.compile(r"^[A-Za-z0-9._\-\[\]:]+:\d{1,5}$")


class _Section(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")


class KafkaSecurity(_Section):
    """How to authenticate to a production broker (``BACKCHANNEL_KAFKA__*``)."""

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None


class DedupSettings(_Section):
    """Near-duplicate detection parameters (``BACKCHANNEL_DEDUP__*``)."""

    horizon_days: float = Field(DEFAULT_DEDUP_HORIZON_DAYS, gt=0)
    document_threshold: float | None = Field(
        None, gt=0, le=1, description="estimated Jaccard for a reprint; unset = measured default"
    )
    passage_threshold: float | None = Field(
        None, gt=0, le=1, description="estimated Jaccard for a copied passage; unset = default"
    )


class AlertSettings(_Section):
    """Where alerts go and which ones (``BACKCHANNEL_ALERTS__*``)."""

    alertmanager_url: str | None = None
    webhook_url: str | None = None
    min_severity: Literal["info", "warning", "critical"] = "info"
    rate_limit_per_minute: int = Field(120, ge=1)
    watch_actors: tuple[str, ...] = ()
    watch_countries: tuple[str, ...] = ()
    mute_actors: tuple[str, ...] = ()
    mute_countries: tuple[str, ...] = ()


class Settings(BaseSettings):
    """Everything a runtime needs; see ``backchannel --help`` and the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        frozen=True,
        extra="forbid",
    )

    broker: str | None = Field(
        None,
        description="Kafka bootstrap as kafka://host:port[,host:port]; unset = embedded runtime",
    )
    topic_prefix: str = Field("", description="prefix for every topic name, e.g. 'prod.'")
    partitions: int = Field(DEFAULT_PARTITIONS, ge=1, description="partitions per topic")
    app_id: str = Field("backchannel", description="Faust app id / consumer group")
    store: str = Field("memory://", description="Faust table store: memory:// or rocksdb://")
    batch_max: int = Field(
        200, ge=1, description="messages a dedup agent takes at once (Kafka; batches under load)"
    )
    batch_wait_ms: float = Field(
        20.0, ge=0, description="longest a dedup agent waits to fill a batch (Kafka)"
    )
    state_dir: Path = Field(
        Path(".backchannel"), description="local state (embedded) and Faust data"
    )
    sources_file: Path | None = Field(None, description="YAML file listing feeds/dirs to poll")
    poll_interval_seconds: float = Field(60.0, gt=0, description="default feed poll interval")
    metrics_host: str = Field("127.0.0.1", description="address the metrics server binds")
    metrics_port: int = Field(DEFAULT_METRICS_PORT, ge=0, le=65535)
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    allow_private_addresses: bool = Field(
        False, description="let connectors fetch loopback/private addresses (tests, intranets)"
    )
    user_agent: str = Field(
        "backchannel/0.1 (+https://github.com/backchannel; news monitoring)",
        description="User-Agent sent by connectors",
    )
    kafka: KafkaSecurity = KafkaSecurity()
    dedup: DedupSettings = DedupSettings()
    alerts: AlertSettings = AlertSettings()

    @field_validator("broker")
    @classmethod
    def _check_broker(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value if "://" in value else f"kafka://{value}")
        hosts = parts.netloc.split(",")
        if parts.scheme != "kafka" or parts.path or not all(_HOST_PORT.match(h) for h in hosts):
            raise ValueError(
                f"BACKCHANNEL_BROKER={value!r} is not a broker URL;"
                " use kafka://host:port or unset it for the embedded runtime"
            )
        return f"kafka://{parts.netloc}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Flags arrive as init kwargs; the config file's values arrive as a second init
        # source appended by ``load_settings`` so that env vars still beat it.
        return (init_settings, env_settings)

    @property
    def bootstrap_servers(self) -> str:
        """``host:port[,host:port]`` for aiokafka; only valid when a broker is set."""
        if self.broker is None:
            raise ConfigError("no broker configured; pass --broker kafka://host:port")
        return self.broker.removeprefix("kafka://")

    @property
    def embedded(self) -> bool:
        """True when no broker is configured: the in-process runtime is used."""
        return self.broker is None


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings at the top level")
    data.pop("feeds", None)  # the sources section is read by connectors.config
    data.pop("sources", None)
    data.pop("dirs", None)
    data.pop("version", None)
    if "sources_file" not in data and path.is_file():
        data["sources_file"] = path
    base = path.parent
    for key in ("state_dir", "sources_file"):
        if isinstance(data.get(key), str) and not Path(data[key]).is_absolute():
            data[key] = base / data[key]
    return data


def _config_path(explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    from_env = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if from_env:
        return Path(from_env)
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def _env_keys() -> set[str]:
    keys = set()
    for name in os.environ:
        if name.startswith(ENV_PREFIX):
            keys.add(name[len(ENV_PREFIX) :].split("__")[0].lower())
    return keys


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from flags (``overrides``; ``None`` means "not given"), env, file.

    Raises ``ConfigError`` with the offending field and how to fix it.
    """
    path = _config_path(config)
    file_values = _read_config_file(path) if path is not None else {}
    given = {k: v for k, v in overrides.items() if v is not None}
    # env beats file: drop file values the environment sets, then let pydantic read env.
    env_set = _env_keys()
    merged = {k: v for k, v in file_values.items() if k not in env_set}
    merged.update(given)
    try:
        return Settings(**merged)
    except pydantic.ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err.get("loc", ()))
            env = ENV_PREFIX + field.upper().replace(".", "__")
            msg = str(err.get("msg", "")).removeprefix("Value error, ")
            problems.append(f"{field} (env {env}): {msg}")
        origin = f" (config file {path})" if path else ""
        raise ConfigError("invalid settings" + origin + ": " + "; ".join(problems)) from exc

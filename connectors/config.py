"""The sources file: which feeds to poll and which directories to read, validated up front.

YAML, e.g. ``examples/feeds.yaml``::

    feeds:
      - name: bbc-persian             # unique; a metric label, so short and ASCII
        url: https://feeds.bbci.co.uk/persian/rss.xml
        lang: fa                      # a hint; detection decides
        interval_seconds: 120         # default: BACKCHANNEL_POLL_INTERVAL_SECONDS
        tags: [iran]
        enabled: true
        fetch_pages: true             # fetch the article page when the entry is a summary
    dirs:
      - name: drop-box
        path: ./incoming              # relative to this file
        watch: true

The same keys may sit in ``backchannel.yaml`` beside the settings (``Settings`` ignores them).
Errors name the file, the line (from the YAML node marks), the field and the fix, and all of
them are reported at once, so one run of ``backchannel feeds check`` shows every mistake.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pydantic
import yaml
from pydantic import ConfigDict, Field, field_validator

from streams.errors import ConfigError
from streams.settings import Settings

__all__ = ["DirConfig", "FeedConfig", "SourcesConfig", "load_sources", "parse_sources"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}$")
_TOP_LEVEL = ("feeds", "dirs", "version")
DEFAULT_INTERVAL_SECONDS = 60.0  # Settings.poll_interval_seconds' default
MIN_INTERVAL_SECONDS = 30.0  # more often is impolite to publishers and rarely news


class _Source(pydantic.BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="unique source name, used as a metric label")
    lang: str | None = Field(None, description="ISO 639-1 language hint, e.g. ar, fa, en")
    tags: tuple[str, ...] = ()
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"{value!r} is not a source name; use up to 64 letters, digits, '.', '_' or '-'"
                " (it becomes a metric label), e.g. bbc-persian"
            )
        return value

    @field_validator("lang")
    @classmethod
    def _check_lang(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _LANG.match(value):
            raise ValueError(f"{value!r} is not a language code; use a two-letter code such as ar")
        return value.lower()


class FeedConfig(_Source):
    """One RSS/Atom feed to poll every ``interval_seconds``."""

    url: str = Field(description="http(s) URL of the RSS or Atom document")
    interval_seconds: float = Field(
        DEFAULT_INTERVAL_SECONDS,
        ge=MIN_INTERVAL_SECONDS,
        description="seconds between polls; under 30 s is impolite to publishers",
    )
    fetch_pages: bool = Field(True, description="fetch article pages for summary-only entries")

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        scheme, _, rest = value.strip().partition("://")
        if scheme.lower() not in ("http", "https") or not rest or rest.startswith("/"):
            raise ValueError(f"{value!r} is not an http(s) URL; write it as https://host/path")
        return value.strip()


class DirConfig(_Source):
    """A directory of article files, read once or watched for new files."""

    path: Path
    watch: bool = False


class SourcesConfig(pydantic.BaseModel):
    """Every source of the sources file, in file order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    feeds: tuple[FeedConfig, ...] = ()
    dirs: tuple[DirConfig, ...] = ()

    @property
    def enabled_feeds(self) -> tuple[FeedConfig, ...]:
        return tuple(feed for feed in self.feeds if feed.enabled)

    @property
    def enabled_dirs(self) -> tuple[DirConfig, ...]:
        return tuple(directory for directory in self.dirs if directory.enabled)


def load_sources(path: Path, *, default_interval: float | None = None) -> SourcesConfig:
    """Read and validate the sources file at ``path`` (``BACKCHANNEL_SOURCES_FILE``).

    ``default_interval`` (``Settings.poll_interval_seconds``) applies to feeds that set none.
    Raises ``ConfigError`` listing every problem as ``file:line: field: message``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"sources file {path} is not UTF-8: {exc}") from exc
    return parse_sources(
        text, origin=str(path), base_dir=path.parent, default_interval=default_interval
    )


def parse_sources(
    text: str,
    *,
    origin: str = "<sources>",
    base_dir: Path | None = None,
    default_interval: float | None = None,
) -> SourcesConfig:
    """Validate sources YAML ``text``; ``origin`` names it in errors, ``base_dir`` anchors dirs."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        problem = getattr(exc, "problem", None) or exc
        raise ConfigError(f"{where}: not valid YAML ({problem}); fix the syntax there") from exc
    problems = _duplicate_keys(root, origin)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}:1: the sources file must be a mapping with a 'feeds:' list")
    settings_keys = set(Settings.model_fields) | {"sources"}
    for key in data:
        if key not in _TOP_LEVEL and key not in settings_keys:
            problems.append(
                f"{origin}:{_line(root, [key])}: unknown top-level key {key!r};"
                f" expected one of {', '.join(_TOP_LEVEL)}"
            )
    values: dict[str, Any] = {key: data[key] for key in _TOP_LEVEL if key in data}
    if default_interval is not None and isinstance(values.get("feeds"), list):
        values["feeds"] = [
            {"interval_seconds": default_interval, **item} if isinstance(item, dict) else item
            for item in values["feeds"]
        ]
    try:
        config = SourcesConfig.model_validate(values)
    except pydantic.ValidationError as exc:
        problems.extend(_describe(exc, root, origin))
        raise ConfigError(_summary(origin, problems)) from exc
    problems.extend(_duplicates(config, root, origin))
    if problems:
        raise ConfigError(_summary(origin, problems))
    if base_dir is None:
        return config
    dirs = tuple(d.model_copy(update={"path": base_dir / d.path}) for d in config.dirs)
    return config.model_copy(update={"dirs": dirs})


def _summary(origin: str, problems: Sequence[str]) -> str:
    return f"invalid sources file {origin} ({len(problems)} problem(s)): " + "; ".join(problems)


def _describe(exc: pydantic.ValidationError, root: yaml.Node | None, origin: str) -> list[str]:
    described = []
    for error in exc.errors():
        loc = list(error.get("loc", ()))
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            message = "unknown key; check its spelling (see examples/feeds.yaml)"
        elif error.get("type") == "missing":
            message = "required key is missing"
        elif isinstance(error.get("input"), int | float | bool) and "got" not in message:
            message += f" (got {error['input']!r})"
            if isinstance(error.get("input"), bool) and error.get("type") == "string_type":
                message += "; YAML reads yes/no/on/off as booleans, so quote the value"
        described.append(f"{origin}:{_line(root, loc)}: {field or 'file'}: {message}")
    return described


def _duplicates(config: SourcesConfig, root: yaml.Node | None, origin: str) -> list[str]:
    problems = []
    names: set[str] = set()
    urls: set[str] = set()
    for section, items in (("feeds", config.feeds), ("dirs", config.dirs)):
        for index, item in enumerate(items):
            if item.name in names:
                line = _line(root, [section, index, "name"])
                where = f"{origin}:{line}: {section}[{index}].name"
                problems.append(f"{where}: {item.name!r} is used twice; names must be unique")
            names.add(item.name)
            if isinstance(item, FeedConfig):
                if item.url in urls:
                    line = _line(root, [section, index, "url"])
                    problems.append(f"{origin}:{line}: {section}[{index}].url: listed twice")
                urls.add(item.url)
    return problems


def _duplicate_keys(node: yaml.Node | None, origin: str) -> list[str]:
    """PyYAML keeps the last of two equal keys silently; an operator's typo deserves an error."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            if key.value in seen:
                line = key.start_mark.line + 1
                problems.append(f"{origin}:{line}: key {key.value!r} repeats an earlier one")
            seen.add(key.value)
            problems.extend(_duplicate_keys(value, origin))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems.extend(_duplicate_keys(item, origin))
    return problems


def _line(root: yaml.Node | None, loc: Sequence[object]) -> int:
    """1-based line of the node at ``loc`` (or of its nearest existing ancestor)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line

"""The ``backchannel`` command: flags become ``Settings``, then a runtime is called.

Exit codes: 0 success, 1 runtime error, 2 usage or configuration error. Errors print one
``error: ...`` line on stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from streams.errors import BackchannelError, ConfigError
from streams.settings import Settings, load_settings

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


def _common(func: F) -> F:
    """Options every command takes: config file, broker, log level, debug."""
    options = [
        click.option(
            "--config",
            "config",
            type=click.Path(dir_okay=False, path_type=Path),
            envvar="BACKCHANNEL_CONFIG",
            show_envvar=True,
            help="YAML config file (default: ./backchannel.yaml when present).",
        ),
        click.option(
            "--broker",
            envvar="BACKCHANNEL_BROKER",
            show_envvar=True,
            help="Kafka bootstrap, kafka://host:port. Unset: embedded runtime, no Kafka.",
        ),
        click.option(
            "--log-level",
            type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
            default=None,
            envvar="BACKCHANNEL_LOG_LEVEL",
            show_envvar=True,
            help="Log level [default: INFO].",
        ),
        click.option("--debug", is_flag=True, help="Show tracebacks on errors."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(ctx: click.Context, /, config: Path | None, **flags: Any) -> Settings:
    ctx.meta["debug"] = flags.pop("debug", False) or ctx.meta.get("debug", False)
    settings = load_settings(config, **flags)
    from streams.logging import configure_logging

    configure_logging(settings.log_level)
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="backchannel")
def cli() -> None:
    """backchannel: who called whom, and what figures changed, in Arabic, Persian and English news.

    \b
    Start here:
      backchannel analyze examples/articles        # one-shot analysis, JSON lines or a table
      backchannel run                              # the live job (embedded: no Kafka needed)
      backchannel run --broker kafka://127.0.0.1:9092   # the same on Kafka
    \b
    Production layout: `backchannel ingest --feeds` produces articles to Kafka,
    `backchannel worker` (scale out: run more) consumes and emits events, figures and alerts.
    Settings come from flags, then BACKCHANNEL_* environment variables, then the config file.
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table", "auto"]),
    default="auto",
    show_default=True,
    help="jsonl: one JSON object per document; table: readable;"
    " auto: table on a terminal, jsonl otherwise.",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file to keep state across runs (default: in memory, every run starts fresh).",
)
@_common
@click.pass_context
def analyze(
    ctx: click.Context,
    /,
    paths: tuple[Path, ...],
    fmt: str,
    state: Path | None,
    config: Path | None,
    **flags: Any,
) -> None:
    """Analyse article files or directories (or - for JSON lines on stdin) and print the results.

    Runs the embedded pipeline over PATHS in the order given (directories in name order):
    language, near-duplicates, events, figures, alerts. Text files are one article each; .jsonl
    files one article per line; .html files are reduced to their main text.

    \b
    Example:
      backchannel analyze examples/articles --format jsonl > out.jsonl
    """
    settings = _settings(ctx, config, **flags)
    from streams.analyze import run_analyze

    use_table = fmt == "table" or (fmt == "auto" and sys.stdout.isatty())
    run_analyze(settings, list(paths), table=use_table, state=state, now=datetime.now(UTC))


@cli.command()
@click.option(
    "--once", is_flag=True, help="Poll every source once, process what is new, then exit."
)
@click.option(
    "--metrics-port",
    type=int,
    default=None,
    envvar="BACKCHANNEL_METRICS_PORT",
    show_envvar=True,
    help="Port for Prometheus metrics (0 disables) [default: 9464].",
)
@_common
@click.pass_context
def run(ctx: click.Context, /, once: bool, config: Path | None, **flags: Any) -> None:
    """Run the live job: poll sources, analyse, print alerts, serve metrics; Ctrl-C stops it.

    With no broker configured everything runs in this process (embedded runtime) and state is
    kept in STATE_DIR/state.sqlite, so a restart alerts nothing twice. With --broker the Kafka
    runtime runs: a Faust worker with the ingest connectors in the same process.

    \b
    Example:
      backchannel run                  # uses ./backchannel.yaml: the shipped example articles
    """
    settings = _settings(ctx, config, **flags)
    if settings.embedded:
        from streams.runner import run_embedded

        run_embedded(settings, once=once)
    else:
        from streams.worker import run_worker

        run_worker(settings, with_ingest=True)


@cli.command()
@_common
@click.pass_context
def worker(ctx: click.Context, /, config: Path | None, **flags: Any) -> None:
    """Run a Faust worker: consume articles.raw, emit articles, events, figures, alerts.

    Start several to share the work; partitions (and the table state that goes with them)
    are rebalanced between them by Kafka.

    \b
    Example:
      backchannel worker --broker kafka://127.0.0.1:9092
    """
    settings = _settings(ctx, config, **flags)
    if settings.embedded:
        raise ConfigError(
            "worker needs a broker: pass --broker kafka://host:port or set BACKCHANNEL_BROKER"
        )
    from streams.worker import run_worker

    run_worker(settings, with_ingest=False)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--feeds",
    "feeds",
    is_flag=True,
    help="Poll the feeds of the sources file instead of reading PATHS.",
)
@click.option("--once", is_flag=True, help="With --feeds: poll each feed once, then exit.")
@_common
@click.pass_context
def ingest(
    ctx: click.Context,
    /,
    paths: tuple[Path, ...],
    feeds: bool,
    once: bool,
    config: Path | None,
    **flags: Any,
) -> None:
    """Produce articles to the articles.raw topic: from files, stdin (-) or the configured feeds.

    \b
    Examples:
      backchannel ingest --broker kafka://127.0.0.1:9092 ../shared/corpus/seeds
      cat articles.jsonl | backchannel ingest --broker kafka://127.0.0.1:9092 -
    """
    settings = _settings(ctx, config, **flags)
    if settings.embedded:
        raise ConfigError(
            "ingest needs a broker: pass --broker kafka://host:port or set BACKCHANNEL_BROKER"
        )
    if not paths and not feeds:
        raise click.UsageError("give PATHS (or - for stdin) or --feeds")
    from streams.ingest import ingest_feeds, ingest_paths

    if feeds:
        ingest_feeds(settings, once=once)
    else:
        count = ingest_paths(settings, list(paths))
        click.echo(f"produced {count} articles", err=True)


@cli.group()
def feeds() -> None:
    """Inspect the configured sources."""


@feeds.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_common
@click.pass_context
def feeds_check(ctx: click.Context, /, file: Path, config: Path | None, **flags: Any) -> None:
    """Fetch every feed of FILE once and print status, entries, last-modified and errors.

    Exit code 1 when any enabled feed failed. Nothing is produced or remembered.

    \b
    Example:
      backchannel feeds check examples/feeds.yaml
    """
    settings = _settings(ctx, config, **flags)
    import asyncio

    from rich.console import Console

    from connectors import (
        FeedCheckRow,
        PoliteClient,
        check_feeds,
        load_sources,
        render_feed_check,
    )

    sources = load_sources(file, default_interval=settings.poll_interval_seconds)

    async def check() -> list[FeedCheckRow]:
        async with PoliteClient.from_settings(settings) as client:
            return await check_feeds(sources, client, now=datetime.now(UTC))

    rows = asyncio.run(check())
    Console().print(render_feed_check(rows))
    if any(row.enabled and not row.ok for row in rows):
        sys.exit(1)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/schemas"),
    show_default=True,
    help="Directory to write the JSON Schemas into.",
)
def schemas(out: Path) -> None:
    """Write the JSON Schema of every record on a public topic, one file per record.

    \b
    Example:
      backchannel schemas --out docs/schemas
    """
    from streams.schemas import write_schemas

    for path in write_schemas(out):
        click.echo(str(path))


def main() -> None:
    """Console entry point: run the CLI, mapping our errors to exit codes."""
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BackchannelError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)

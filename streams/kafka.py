"""Kafka plumbing shared by the worker and the ingest command: security, topics, producer.

Translating ``Settings.kafka`` into client arguments happens here once, for aiokafka and for
Faust, so SASL/SSL work the same in every process.
"""

from __future__ import annotations

import contextlib
import ssl
from typing import Any

from streams.settings import Settings
from streams.topics import TABLES, Topic, changelog_name, topic_name

__all__ = ["aiokafka_security", "create_topics", "faust_credentials", "ssl_context"]


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """An SSL context for SSL/SASL_SSL brokers, else ``None``."""
    sec = settings.kafka
    if not sec.security_protocol.endswith("SSL"):
        return None
    context = ssl.create_default_context(cafile=str(sec.ssl_cafile) if sec.ssl_cafile else None)
    if sec.ssl_certfile:
        context.load_cert_chain(
            str(sec.ssl_certfile), str(sec.ssl_keyfile) if sec.ssl_keyfile else None
        )
    return context


def aiokafka_security(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for aiokafka clients (producer, consumer, admin)."""
    sec = settings.kafka
    kwargs: dict[str, Any] = {"security_protocol": sec.security_protocol}
    context = ssl_context(settings)
    if context is not None:
        kwargs["ssl_context"] = context
    if sec.sasl_mechanism:
        kwargs["sasl_mechanism"] = sec.sasl_mechanism
        kwargs["sasl_plain_username"] = sec.sasl_username
        kwargs["sasl_plain_password"] = (
            sec.sasl_password.get_secret_value() if sec.sasl_password else None
        )
    return kwargs


def faust_credentials(settings: Settings) -> Any:
    """Faust ``broker_credentials`` for the configured security, or ``None`` for PLAINTEXT."""
    import faust

    sec = settings.kafka
    context = ssl_context(settings)
    if sec.sasl_mechanism:
        password = sec.sasl_password.get_secret_value() if sec.sasl_password else ""
        return faust.SASLCredentials(
            username=sec.sasl_username or "",
            password=password,
            mechanism=sec.sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


async def create_topics(settings: Settings, topics: list[Topic] | None = None) -> None:
    """Create the pipeline's topics with ``settings.partitions`` partitions if missing.

    Faust declares the topics its agents consume, but the ingest command may run first and
    would otherwise get the broker's default partition count for ``articles.raw``.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, **aiokafka_security(settings)
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [topic_name(t, settings.topic_prefix) for t in (topics or list(Topic))]
        compact = {"cleanup.policy": "compact"}
        state_topic = topic_name(Topic.SOURCES_STATE, settings.topic_prefix)
        new = [
            NewTopic(
                name, settings.partitions, 1, topic_configs=compact if name == state_topic else None
            )
            for name in wanted
            if name not in existing
        ]
        if topics is None:
            # Faust would create the changelogs itself, but racing its own metadata refresh it
            # can see them with 0 partitions and crash the table's agent (PartitionsMismatch).
            new += [
                NewTopic(name, settings.partitions, 1, topic_configs=compact)
                for table in TABLES
                if (name := changelog_name(settings.app_id, table, settings.topic_prefix))
                not in existing
            ]

        if new:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
    finally:
        await admin.close()

"""Alert sinks: Alertmanager and a generic JSON webhook, with an outbox so nothing is lost.

Both runtimes call ``build_alert_sinks`` and drive each sink through ``start``, ``add`` and
``close``; see ``AlertSink`` for the delivery contract.
"""

from connectors.sinks._delivery import AlertSink
from connectors.sinks._factory import OutboxFactory, build_alert_sinks
from connectors.sinks._metrics import DeliveryMetrics, NullDeliveryMetrics
from connectors.sinks._policy import DeliveryPolicy
from connectors.sinks.alertmanager import AlertmanagerSink
from connectors.sinks.webhook import WebhookSink

__all__ = [
    "AlertSink",
    "AlertmanagerSink",
    "DeliveryMetrics",
    "DeliveryPolicy",
    "NullDeliveryMetrics",
    "OutboxFactory",
    "WebhookSink",
    "build_alert_sinks",
]

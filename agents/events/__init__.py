"""Events stage: diplomatic contacts extracted from articles and merged across them (pure core)."""

from agents.events.core import event_key, extract_events
from agents.events.knowledge import KnowledgeBase
from agents.events.lexicon import Lexicons
from agents.events.merge import merge_mention

__all__ = ["KnowledgeBase", "Lexicons", "event_key", "extract_events", "merge_mention"]

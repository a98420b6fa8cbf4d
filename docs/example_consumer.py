"""Print who contacted whom, from backchannel's ``events`` topic (copy and adapt; needs aiokafka).

    BACKCHANNEL_BROKER=kafka://127.0.0.1:9092 BACKCHANNEL_TOPIC_PREFIX=prod. \
        python example_consumer.py [MAX_MESSAGES]

The value is plain JSON (docs/schemas/Event.v1.schema.json); the CloudEvents headers say what
it is (``ce_type``: ``org.backchannel.event.new.v1`` or ``...event.updated.v1``); ``ce_id`` is a
hash of the value, so a consumer that must not act twice can drop repeats by it. Offsets are
kept under the consumer group ``EXAMPLE_GROUP_ID`` (default ``events-printer``).
"""

import asyncio
import json
import os
import sys

from aiokafka import AIOKafkaConsumer


async def main(limit: int | None) -> None:
    consumer = AIOKafkaConsumer(
        os.environ.get("BACKCHANNEL_TOPIC_PREFIX", "") + "events",
        bootstrap_servers=os.environ.get("BACKCHANNEL_BROKER", "127.0.0.1:9092").removeprefix(
            "kafka://"
        ),
        group_id=os.environ.get("EXAMPLE_GROUP_ID", "events-printer"),
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        count = 0
        async for message in consumer:
            event = json.loads(message.value)
            ce_type = dict(message.headers).get("ce_type", b"").decode()
            names = [actor["name"] or actor["surface"] for actor in event["actors"]]
            who = (" -> " if event["directed"] else " <-> ").join(names)  # caller first
            print(f"{ce_type}\t{event['type']}\t{who}\t{event['date'] or 'undated'}", flush=True)
            count += 1
            if limit is not None and count >= limit:
                break
    finally:
        await consumer.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else None))

"""confluent-kafka-python's Schema Registry client and Avro serdes against a registry and a broker.

Usage: confluent_avro.py BOOTSTRAP REGISTRY_URL TOPIC

Registers nothing itself: AvroSerializer registers the value schema (auto.register.schemas) on the
first produce, as an application does; AvroDeserializer resolves ids through the registry. Prints
one JSON line: the registered subjects/versions/ids the client sees and the records consumed back.
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

SCHEMA = json.dumps({
    "type": "record", "name": "Reading", "namespace": "com.example",
    "fields": [
        {"name": "sensor", "type": "string"},
        {"name": "value", "type": "double"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
})


def main():
    bootstrap, registry_url, topic = sys.argv[1], sys.argv[2], sys.argv[3]
    client = SchemaRegistryClient({"url": registry_url})
    serializer = AvroSerializer(client, SCHEMA, to_dict=lambda obj, ctx: obj)
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    records = [
        {"sensor": "s1", "value": 21.5, "at": 1700000000000, "note": None},
        {"sensor": "s2", "value": -3.25, "at": 1700000000500, "note": "cold"},
    ]
    for r in records:
        producer.produce(topic, value=serializer(r, SerializationContext(topic, MessageField.VALUE)))
    if producer.flush(30) != 0:
        raise SystemExit("produce did not complete")

    subject = topic + "-value"
    latest = client.get_latest_version(subject)
    by_id = client.get_schema(latest.schema_id)
    versions = client.get_versions(subject)

    # A fresh client, so ids are looked up in the registry rather than the serializer's cache.
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": registry_url}), return_record_name=False)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "avro-" + topic,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    consumed = []
    for _ in range(300):
        if len(consumed) == len(records):
            break
        msg = consumer.poll(0.2)
        if msg is None or msg.error():
            continue
        value = deserializer(msg.value(), SerializationContext(topic, MessageField.VALUE))
        # timestamp-millis decodes to a datetime: compare as epoch millis.
        at = value["at"]
        value["at"] = int(at.timestamp() * 1000) if hasattr(at, "timestamp") else at
        consumed.append(value)
    consumer.close()
    print(json.dumps({
        "subjects": client.get_subjects(),
        "versions": versions,
        "latest": {"subject": latest.subject, "version": latest.version, "id": latest.schema_id},
        "schema_by_id_type": by_id.schema_type,
        "sent": records,
        "consumed": consumed,
    }))


if __name__ == "__main__":
    main()

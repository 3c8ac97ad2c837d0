"""confluent-kafka-python's JSON Schema and Protobuf serdes against a registry and a broker.

Usage: confluent_json_protobuf.py BOOTSTRAP REGISTRY_URL JSON_TOPIC PROTOBUF_TOPIC

JSONSerializer (it validates with python-jsonschema) and ProtobufSerializer (with a message class
built at run time from a FileDescriptorProto, as generated code would hold it) register their
schemas on the first produce (auto.register.schemas); JSONDeserializer and ProtobufDeserializer,
with a fresh registry client each, consume the records back. Prints one JSON line.
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext

JSON_SCHEMA = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Reading", "type": "object",
    "properties": {"sensor": {"type": "string"}, "value": {"type": "number"}},
    "required": ["sensor", "value"],
})


def consume(bootstrap, topic, deserialize, count):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "g-" + topic,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    out = []
    for _ in range(300):
        if len(out) == count:
            break
        msg = consumer.poll(0.2)
        if msg is None or msg.error():
            continue
        out.append(deserialize(msg.value(), SerializationContext(topic, MessageField.VALUE)))
    consumer.close()
    return out


def produce(bootstrap, topic, serialize, records):
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for r in records:
        producer.produce(topic, value=serialize(r, SerializationContext(topic, MessageField.VALUE)))
    if producer.flush(30) != 0:
        raise SystemExit("produce did not complete")


def json_roundtrip(bootstrap, registry_url, topic):
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    client = SchemaRegistryClient({"url": registry_url})
    records = [{"sensor": "j1", "value": 1.5}, {"sensor": "j2", "value": -2}]
    produce(bootstrap, topic, JSONSerializer(JSON_SCHEMA, client, to_dict=lambda o, ctx: o), records)
    refused = None
    try:
        JSONSerializer(JSON_SCHEMA, client)({"sensor": 5}, SerializationContext(topic, MessageField.VALUE))
    except Exception as e:  # the serializer's own validation
        refused = type(e).__name__
    latest = client.get_latest_version(topic + "-value")
    deserializer = JSONDeserializer(None, schema_registry_client=SchemaRegistryClient({"url": registry_url}))
    return {"sent": records, "consumed": consume(bootstrap, topic, deserializer, len(records)),
            "schema_type": latest.schema.schema_type, "refused": refused}


def reading_class():
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    fdp = descriptor_pb2.FileDescriptorProto(name="reading.proto", package="com.example", syntax="proto3")
    msg = fdp.message_type.add(name="Reading")
    msg.field.add(name="sensor", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    msg.field.add(name="value", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("com.example.Reading"))


def protobuf_roundtrip(bootstrap, registry_url, topic):
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
    reading = reading_class()
    client = SchemaRegistryClient({"url": registry_url})
    records = [reading(sensor="p1", value=1.5), reading(sensor="p2", value=-2.0)]
    produce(bootstrap, topic, ProtobufSerializer(reading, client, {"use.deprecated.format": False}), records)
    latest = client.get_latest_version(topic + "-value")
    deserializer = ProtobufDeserializer(reading, {"use.deprecated.format": False},
                                        schema_registry_client=SchemaRegistryClient({"url": registry_url}))
    consumed = consume(bootstrap, topic, deserializer, len(records))
    as_dict = lambda m: {"sensor": m.sensor, "value": m.value}
    return {"sent": [as_dict(r) for r in records], "consumed": [as_dict(m) for m in consumed],
            "schema_type": latest.schema.schema_type, "schema": latest.schema.schema_str}


def main():
    bootstrap, registry_url, json_topic, proto_topic = sys.argv[1:5]
    out = {"json": json_roundtrip(bootstrap, registry_url, json_topic)}
    try:
        out["protobuf"] = protobuf_roundtrip(bootstrap, registry_url, proto_topic)
    except Exception as e:
        out["protobuf"] = {"error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

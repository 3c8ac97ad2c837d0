package main

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// code is a Kafka error's name (kerr), err's text otherwise, nil without error.
func code(err error) any {
	if err == nil {
		return nil
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Message
	}
	return err.Error()
}

// adminTopics walks kadm's topic administration and prints what it observes at each step:
// create `topic` (3 partitions) twice, its partitions once they have leaders, whether ListTopics
// has it, its start and end offsets, delete it (then it leaves ListTopics and its metadata is an
// error); create `zero` with 0 partitions; grow `grow` (3 partitions) to 5, produce to partition
// 4, then try to shrink it to 2.
func adminTopics(a *args) error {
	ctx, cancel := deadline(a, 60)
	defer cancel()
	cl, err := newClient(a, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for i := 0; i < 2; i++ {
		r, err := adm.CreateTopic(ctx, 3, -1, nil, a.Topic)
		if err != nil && r.Err == nil {
			return err
		}
		out("type", "create", "error", code(r.Err))
	}
	if err := describeWhenLed(ctx, adm, a.Topic, 3); err != nil {
		return err
	}
	if err := listed(ctx, adm, a.Topic); err != nil {
		return err
	}
	start, err := offsetsOf(ctx, adm, a.Topic, false)
	if err != nil {
		return err
	}
	end, err := offsetsOf(ctx, adm, a.Topic, true)
	if err != nil {
		return err
	}
	out("type", "offsets", "start", start, "end", end)
	deleted, err := adm.DeleteTopic(ctx, a.Topic)
	if err != nil && deleted.Err == nil {
		return err
	}
	out("type", "delete", "error", code(deleted.Err))
	for {
		td, err := adm.ListTopics(ctx)
		if err != nil {
			return err
		}
		if !td.Has(a.Topic) {
			break
		}
		if err := pause(ctx); err != nil {
			return err
		}
	}
	md, err := adm.Metadata(ctx, a.Topic)
	if err != nil {
		return err
	}
	out("type", "gone", "metadata_error", code(md.Topics[a.Topic].Err))

	zero, err := adm.CreateTopic(ctx, 0, -1, nil, a.Name)
	if err != nil && zero.Err == nil {
		return err
	}
	out("type", "create_zero", "error", code(zero.Err))
	if err := listed(ctx, adm, a.Name); err != nil {
		return err
	}
	return growTopic(ctx, cl, adm, a.Output)
}

// growTopic: UpdatePartitions to 5, a record to the new partition 4, UpdatePartitions to 2.
func growTopic(ctx context.Context, cl *kgo.Client, adm *kadm.Client, topic string) error {
	grown, err := adm.UpdatePartitions(ctx, 5, topic)
	if err != nil {
		return err
	}
	out("type", "grow", "error", code(grown[topic].Err))
	if err := describeWhenLed(ctx, adm, topic, 5); err != nil {
		return err
	}
	r, err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: 4, Value: []byte("into the new partition")}).First()
	if err != nil {
		return err
	}
	end, err := offsetsOf(ctx, adm, topic, true)
	if err != nil {
		return err
	}
	out("type", "produced", "partition", r.Partition, "offset", r.Offset, "end", end)
	shrunk, err := adm.UpdatePartitions(ctx, 2, topic)
	if err != nil {
		return err
	}
	out("type", "shrink", "error", code(shrunk[topic].Err))
	return nil
}

// describeWhenLed waits until the topic has n partitions, each with a leader, and prints them.
func describeWhenLed(ctx context.Context, adm *kadm.Client, topic string, n int) error {
	for {
		md, err := adm.Metadata(ctx, topic)
		if err != nil {
			return err
		}
		t := md.Topics[topic]
		led := t.Err == nil && len(t.Partitions) == n
		var parts []map[string]any
		for _, p := range t.Partitions.Sorted() {
			led = led && p.Leader >= 0 && p.Err == nil
			parts = append(parts, map[string]any{"id": p.Partition, "leader": p.Leader, "replicas": p.Replicas, "isrs": p.ISR})
		}
		if led {
			out("type", "described", "topic", topic, "partitions", parts)
			return nil
		}
		if err := pause(ctx); err != nil {
			return err
		}
	}
}

// listed prints whether ListTopics (every topic) has the topic.
func listed(ctx context.Context, adm *kadm.Client, topic string) error {
	td, err := adm.ListTopics(ctx)
	if err != nil {
		return err
	}
	out("type", "listed", "topic", topic, "has", td.Has(topic))
	return nil
}

func pause(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(200 * time.Millisecond):
		return nil
	}
}

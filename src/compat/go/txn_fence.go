package main

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// txnFence: zombie fencing. A transactional producer (the zombie) writes 'zombie-1' to partition 0
// in an open transaction; a second producer with the same transactional id begins a transaction
// and writes 'fresh-1' (its InitProducerId bumps the epoch, fencing the zombie); the zombie then
// writes 'zombie-2' to partition 1 and tries to commit; the new producer commits. Prints
// {"type":"zombie","produce_error","commit_error"} (Kafka error names) and {"type":"fresh","error"}.
func txnFence(a *args) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	txnClient := func() (*kgo.Client, error) {
		return newClient(a, kgo.TransactionalID(a.TransactionalID), kgo.TransactionTimeout(60*time.Second),
			kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.RecordRetries(3))
	}
	zombie, err := txnClient()
	if err != nil {
		return err
	}
	defer zombie.Close()
	if err := writeInTxn(ctx, zombie, a.Topic, 0, "zombie-1"); err != nil {
		return err
	}
	fresh, err := txnClient()
	if err != nil {
		return err
	}
	defer fresh.Close()
	if err := writeInTxn(ctx, fresh, a.Topic, 0, "fresh-1"); err != nil {
		return err
	}
	produceErr := zombie.ProduceSync(ctx, &kgo.Record{Topic: a.Topic, Partition: 1, Value: []byte("zombie-2")}).FirstErr()
	commitErr := zombie.EndTransaction(ctx, kgo.TryCommit)
	out("type", "zombie", "produce_error", code(produceErr), "commit_error", code(commitErr))
	out("type", "fresh", "error", code(fresh.EndTransaction(ctx, kgo.TryCommit)))
	return nil
}

// writeInTxn begins a transaction and writes one record in it.
func writeInTxn(ctx context.Context, cl *kgo.Client, topic string, partition int32, value string) error {
	if err := cl.BeginTransaction(); err != nil {
		return err
	}
	return cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: partition, Value: []byte(value)}).FirstErr()
}

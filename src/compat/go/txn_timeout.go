package main

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// txnTimeout: a transaction left open past its timeout. A producer with transaction timeout
// transaction_timeout_ms writes 'stuck' to partition 0 and leaves its transaction open; a second
// transactional producer (transactional id `name`) commits 'later' to partition 0; a
// read_committed consumer of partition 0 reads until it sees 'later' (only possible once the
// coordinator aborted the stuck transaction) or timeout_s passes:
// {"type":"read","values":[[p, offset, value]]}; then the stuck producer tries to commit:
// {"type":"stuck_commit","error"} (a Kafka error name).
func txnTimeout(a *args) error {
	ctx, cancel := deadline(a, 40)
	defer cancel()
	stuck, err := newClient(a, kgo.TransactionalID(a.TransactionalID),
		kgo.TransactionTimeout(time.Duration(a.TransactionTimeoutMs)*time.Millisecond), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer stuck.Close()
	if err := writeInTxn(ctx, stuck, a.Topic, 0, "stuck"); err != nil {
		return err
	}
	other, err := newClient(a, kgo.TransactionalID(a.Name), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer other.Close()
	if err := writeInTxn(ctx, other, a.Topic, 0, "later"); err != nil {
		return err
	}
	if err := other.EndTransaction(ctx, kgo.TryCommit); err != nil {
		return err
	}
	reader, err := newClient(a, kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(500*time.Millisecond),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{a.Topic: {0: kgo.NewOffset().AtStart()}}))
	if err != nil {
		return err
	}
	defer reader.Close()
	values := [][]any{}
	for ctx.Err() == nil && len(values) == 0 {
		poll(ctx, reader, time.Second).EachRecord(func(r *kgo.Record) {
			values = append(values, []any{r.Partition, r.Offset, string(r.Value)})
		})
	}
	tout("type", "read", "values", values)
	cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer ccancel()
	out("type", "stuck_commit", "error", code(stuck.EndTransaction(cctx, kgo.TryCommit)))
	return nil
}

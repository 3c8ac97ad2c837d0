package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// txnOffsets: offsets committed inside transactions by a GroupTransactSession (AddOffsetsToTxn,
// TxnOffsetCommit). The topic gets 8 records on partition 0 and 9 on partition 1; the session
// consumes them all (positions 8 and 9), and a transaction (one record to partition 2) carrying
// those positions is aborted, then, after consuming to the end again, one is committed. After
// each, the group's committed offsets of partitions 0 and 1 ({"type":"offsets","committed_txn",
// "offsets":[o0, o1]}, -1: none).
func txnOffsets(a *args) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := preload(ctx, a, map[int32]int{0: 8, 1: 9}); err != nil {
		return err
	}
	sess, err := kgo.NewGroupTransactSession(kgo.SeedBrokers(a.Bootstrap), kgo.ClientID("tributary-compat-franz-go"),
		kgo.WithLogger(kgo.BasicLogger(errWriter{}, kgo.LogLevelWarn, func() string { return "[franz-go] " })),
		kgo.TransactionalID(a.TransactionalID), kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.FetchMaxWait(300*time.Millisecond))
	if err != nil {
		return err
	}
	defer sess.Close()
	for _, commit := range []bool{false, true} {
		if err := drain(ctx, sess, a.Topic, map[int32]int64{0: 8, 1: 9}); err != nil {
			return err
		}
		if err := sess.Begin(); err != nil {
			return err
		}
		sess.Produce(ctx, &kgo.Record{Topic: a.Topic, Partition: 2, Value: []byte("x")}, nil)
		committed, err := sess.End(ctx, kgo.TransactionEndTry(commit))
		if err != nil {
			return err
		}
		if committed != commit {
			return fmt.Errorf("End(commit=%v) reported committed=%v", commit, committed)
		}
		offsets, err := groupOffsets(ctx, sess.Client(), a.Group, a.Topic, 0, 1)
		if err != nil {
			return err
		}
		tout("type", "offsets", "committed_txn", commit, "offsets", offsets)
	}
	return nil
}

// preload writes n records to each partition (a plain producer, acks=all).
func preload(ctx context.Context, a *args, n map[int32]int) error {
	cl, err := newClient(a, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer cl.Close()
	var rs []*kgo.Record
	for p, count := range n {
		for i := 0; i < count; i++ {
			rs = append(rs, &kgo.Record{Topic: a.Topic, Partition: p, Value: []byte(fmt.Sprintf("%d:%d", p, i))})
		}
	}
	return cl.ProduceSync(ctx, rs...).FirstErr()
}

// drain polls until the session's positions reached `to` and a poll of a second brings nothing.
func drain(ctx context.Context, sess *kgo.GroupTransactSession, topic string, to map[int32]int64) error {
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		f := sess.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fetchErrors(f)
		if f.NumRecords() == 0 && reached(sess.Client().UncommittedOffsets()[topic], to) {
			return nil
		}
	}
}

// groupOffsets: the group's committed offsets of the partitions (-1: none), through kadm. Offsets
// of a transaction whose markers are still being written are UNSTABLE_OFFSET_COMMIT (kadm asks
// for stable offsets): asked again until they are settled.
func groupOffsets(ctx context.Context, cl *kgo.Client, group, topic string, partitions ...int32) ([]int64, error) {
	for {
		fetched, err := kadm.NewClient(cl).FetchOffsets(ctx, group)
		if err != nil && !errors.Is(err, kerr.UnstableOffsetCommit) {
			return nil, err
		}
		out := make([]int64, 0, len(partitions))
		unstable := errors.Is(err, kerr.UnstableOffsetCommit)
		for _, p := range partitions {
			o, ok := fetched.Lookup(topic, p)
			switch {
			case ok && errors.Is(o.Err, kerr.UnstableOffsetCommit):
				unstable = true
			case !ok || o.Err != nil:
				out = append(out, -1)
			default:
				out = append(out, o.At)
			}
		}
		if !unstable {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("offsets still unstable: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func reached(at map[int32]kgo.EpochOffset, to map[int32]int64) bool {
	for p, o := range to {
		if at[p].Offset < o {
			return false
		}
	}
	return true
}

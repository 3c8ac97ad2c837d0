package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// txnCommitAbort: a transactional producer commits 10 records 'c-*', aborts 10 'a-*' (written,
// then aborted), commits 10 'd-*'; record i to partition i % 3.
func txnCommitAbort(a *args) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cl, err := newClient(a, kgo.TransactionalID(a.TransactionalID), kgo.TransactionTimeout(10*time.Second),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		return err
	}
	defer cl.Close()
	for _, step := range []struct {
		prefix string
		commit bool
	}{{"c", true}, {"a", false}, {"d", true}} {
		if err := cl.BeginTransaction(); err != nil {
			return err
		}
		rs := make([]*kgo.Record, 0, 10)
		for i := 0; i < 10; i++ {
			rs = append(rs, &kgo.Record{Topic: a.Topic, Partition: int32(i % 3), Value: []byte(fmt.Sprintf("%s-%d", step.prefix, i))})
		}
		// The aborted records are written too (read_uncommitted sees them): produced, then aborted.
		if err := cl.ProduceSync(ctx, rs...).FirstErr(); err != nil {
			return err
		}
		if err := cl.EndTransaction(ctx, kgo.TransactionEndTry(step.commit)); err != nil {
			return err
		}
		tout("type", "txn", "prefix", step.prefix, "committed", step.commit)
	}
	return nil
}

func isolationOf(name string) kgo.IsolationLevel {
	if name == "read_committed" {
		return kgo.ReadCommitted()
	}
	return kgo.ReadUncommitted()
}

// txnRead subscribes in `group` from the beginning with the isolation level and reads until
// `expected` records arrived and `quiet` seconds passed without more.
func txnRead(a *args) error {
	cl, err := newClient(a, kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Topic), kgo.FetchIsolationLevel(isolationOf(a.Isolation)),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit(), kgo.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		return err
	}
	timeout, quiet := a.Timeout, a.Quiet
	if timeout <= 0 {
		timeout = 30
	}
	if quiet <= 0 {
		quiet = 1.5
	}
	ctx, cancel := context.WithTimeout(context.Background(), seconds(timeout))
	defer cancel()
	values := [][]any{}
	var quietUntil time.Time
	for ctx.Err() == nil {
		got := 0
		poll(ctx, cl, 500*time.Millisecond).EachRecord(func(r *kgo.Record) {
			values = append(values, []any{r.Partition, r.Offset, string(r.Value)})
			got++
		})
		if got > 0 {
			quietUntil = time.Time{}
		} else if len(values) >= a.Expected {
			if quietUntil.IsZero() {
				quietUntil = time.Now().Add(seconds(quiet))
			}
			if !time.Now().Before(quietUntil) {
				break
			}
		}
	}
	cl.Close()
	tout("type", "read", "count", len(values), "values", values)
	return nil
}

// eosSession is the exactly-once loop's GroupTransactSession: a read_committed group consumer of
// the input and a transactional producer whose transactions carry the consumer's offsets.
func eosSession(a *args) (*kgo.GroupTransactSession, error) {
	timeout := 10 * time.Second
	if a.TransactionTimeoutMs > 0 {
		timeout = time.Duration(a.TransactionTimeoutMs) * time.Millisecond
	}
	return kgo.NewGroupTransactSession(
		kgo.SeedBrokers(a.Bootstrap),
		kgo.ClientID("tributary-compat-franz-go"),
		kgo.WithLogger(kgo.BasicLogger(errWriter{}, kgo.LogLevelWarn, func() string { return "[franz-go] " })),
		kgo.TransactionalID(a.TransactionalID), kgo.TransactionTimeout(timeout),
		kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Input), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.SessionTimeout(sessionTimeout(a)),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.FetchMaxWait(500*time.Millisecond),
	)
}

// committedSum: the group's committed offsets on the input, summed (what has been done for good).
func committedSum(ctx context.Context, cl *kgo.Client, a *args) (int64, error) {
	fetched, err := kadm.NewClient(cl).FetchOffsets(ctx, a.Group)
	if err != nil {
		return 0, err
	}
	var sum int64
	fetched.Each(func(o kadm.OffsetResponse) {
		if o.Topic == a.Input && o.Err == nil && o.At >= 0 {
			sum += o.At
		}
	})
	return sum, nil
}

// eos: consume-transform-produce ("<v>" in, "out-<v>" out, same partition and key) in
// transactions that carry the consumer's offsets, until `expected` input records are committed.
// A failed session (its transactional id fenced or out of retries) is closed and made again.
func eos(a *args) error {
	ctx := context.Background()
	sess, err := eosSession(a)
	if err != nil {
		return err
	}
	var done int64
	commits, aborts, lastReport := 0, 0, int64(0)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		f := sess.PollFetches(pctx)
		cancel()
		for _, e := range f.Errors() {
			if !errors.Is(e.Err, context.DeadlineExceeded) && !errors.Is(e.Err, context.Canceled) {
				tout("type", "consume-error", "error", e.Err.Error())
			}
		}
		records := f.Records()
		if len(records) == 0 {
			cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
			sum, err := committedSum(cctx, sess.Client(), a)
			ccancel()
			if err == nil && sum >= int64(a.Expected) {
				done = sum
				break
			}
			continue
		}
		if err := sess.Begin(); err != nil {
			return err
		}
		var mu sync.Mutex
		var produceErr error
		for _, r := range records {
			w := &kgo.Record{Topic: a.Output, Partition: r.Partition, Key: r.Key, Value: append([]byte("out-"), r.Value...)}
			sess.Produce(ctx, w, func(_ *kgo.Record, err error) {
				if err != nil {
					mu.Lock()
					produceErr = err
					mu.Unlock()
				}
			})
		}
		committed, err := sess.End(ctx, kgo.TryCommit)
		if committed {
			commits++
			if sum, err := committedSum(ctx, sess.Client(), a); err == nil {
				done = sum
			}
			if done-lastReport >= 5000 {
				lastReport = done
				tout("type", "progress", "done", done, "commits", commits, "aborts", aborts)
			}
		} else {
			aborts++
			tout("type", "txn-error", "error", errText(errors.Join(produceErr, err)), "fatal", err != nil)
		}
		if err != nil {
			// No error from End is retryable: a new session (InitProducerId again) carries on.
			sess.Close()
			for sess, err = eosSession(a); err != nil; sess, err = eosSession(a) {
				tout("type", "init-error", "error", err.Error())
				time.Sleep(time.Second)
			}
		}
	}
	sess.Close()
	tout("type", "eos-done", "done", done, "commits", commits, "aborts", aborts)
	return nil
}

// errWriter is stderr for a kgo logger.
type errWriter struct{}

func (errWriter) Write(p []byte) (int, error) {
	return os.Stderr.Write(p)
}

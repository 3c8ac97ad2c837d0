package main

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func sessionTimeout(a *args) time.Duration {
	if a.SessionTimeoutMs > 0 {
		return time.Duration(a.SessionTimeoutMs) * time.Millisecond
	}
	return 10 * time.Second
}

func sorted(ps []int32) []int32 {
	s := append([]int32{}, ps...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s
}

// onAssigned prints a non-empty assignment. franz-go's default balancer is cooperative-sticky:
// the callback gets the partitions newly assigned, and an empty set means nothing changed.
func onAssigned(topic string, withTime bool) kgo.Opt {
	return kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
		if len(m[topic]) == 0 {
			return
		}
		if withTime {
			tout("type", "assign", "partitions", sorted(m[topic]))
		} else {
			out("type", "assign", "partitions", sorted(m[topic]))
		}
	})
}

// groupConsume subscribes in `group` (classic protocol, franz-go's default balancers), reads until
// `expect` records (or idle_s without one), commits synchronously, closes (leaving the group).
func groupConsume(a *args) error {
	ctx, cancel := deadline(a, 60)
	defer cancel()
	idle := seconds(a.IdleS)
	if idle <= 0 {
		idle = 30 * time.Second
	}
	cl, err := newClient(a, kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit(),
		kgo.SessionTimeout(sessionTimeout(a)), kgo.HeartbeatInterval(time.Second),
		kgo.FetchMaxWait(500*time.Millisecond), onAssigned(a.Topic, false))
	if err != nil {
		return err
	}
	n := 0
	last := time.Now()
	for n < a.Expect && ctx.Err() == nil && time.Since(last) < idle {
		poll(ctx, cl, 500*time.Millisecond).EachRecord(func(r *kgo.Record) {
			last = time.Now()
			n++
			out("type", "record", "partition", r.Partition, "offset", r.Offset, "key", str(r.Key), "value", str(r.Value))
		})
	}
	if n > 0 {
		var commitErr error
		cl.CommitOffsetsSync(ctx, cl.UncommittedOffsets(), func(_ *kgo.Client, req *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
			commitErr = err
			if err != nil {
				return
			}
			out("type", "committed", "offsets", committedLines(req, resp))
		})
		if commitErr != nil {
			return commitErr
		}
	}
	cl.Close()
	out("type", "closed", "count", n)
	return nil
}

// committedLines: [[partition, offset, error], ...] of a commit, by partition.
func committedLines(req *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse) [][]any {
	sent := map[int32]int64{}
	for _, t := range req.Topics {
		for _, p := range t.Partitions {
			sent[p.Partition] = p.Offset
		}
	}
	var lines [][]any
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			lines = append(lines, []any{p.Partition, sent[p.Partition], errText(kerr.ErrorForCode(p.ErrorCode))})
		}
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][0].(int32) < lines[j][0].(int32) })
	return lines
}

// staticMember is a static member (InstanceID, KIP-345) for run_s seconds: prints every
// assign/revoke and group error; stops at a fatal one (FENCED_INSTANCE_ID). Its close does not
// leave the group.
func staticMember(a *args) error {
	cl, err := newClient(a, kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Topic), kgo.InstanceID(a.Instance),
		kgo.ClientID(a.Instance), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit(),
		kgo.SessionTimeout(sessionTimeout(a)), kgo.HeartbeatInterval(500*time.Millisecond),
		onAssigned(a.Topic, true),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			tout("type", "revoke", "partitions", sorted(m[a.Topic]))
		}))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), seconds(a.RunS))
	defer cancel()
	fatal := false
	for ctx.Err() == nil && !fatal {
		f := cl.PollFetches(ctx)
		for _, e := range f.Errors() {
			if errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, context.Canceled) {
				continue
			}
			code := "unknown"
			var ke *kerr.Error
			if errors.As(e.Err, &ke) {
				code = ke.Message
			}
			fatal = errors.Is(e.Err, kerr.FencedInstanceID)
			tout("type", "error", "error", e.Err.Error(), "fatal", fatal, "code", code)
		}
	}
	cl.Close()
	out("type", "closed")
	return nil
}

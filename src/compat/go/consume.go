package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// offsetsOf lists one topic's start or end offsets (partition -> offset), waiting until the
// topic's metadata has its partitions.
func offsetsOf(ctx context.Context, adm *kadm.Client, topic string, end bool) (map[int32]int64, error) {
	for {
		var listed kadm.ListedOffsets
		var err error
		if end {
			listed, err = adm.ListEndOffsets(ctx, topic)
		} else {
			listed, err = adm.ListStartOffsets(ctx, topic)
		}
		m := map[int32]int64{}
		if err == nil {
			err = listed.Error()
			listed.Each(func(o kadm.ListedOffset) { m[o.Partition] = o.Offset })
		}
		if err == nil && len(m) > 0 {
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no offsets for topic %s: %v", topic, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// recordLine prints a record as the drivers do.
func recordLine(r *kgo.Record) {
	headers := make([][]any, 0, len(r.Headers))
	for _, h := range r.Headers {
		headers = append(headers, []any{h.Key, str(h.Value)})
	}
	// librdkafka's timestamp types: 1 CreateTime, 2 LogAppendTime.
	tsType := 1
	if r.Attrs.TimestampType() == 1 {
		tsType = 2
	}
	out("type", "record", "partition", r.Partition, "offset", r.Offset, "key", str(r.Key), "value", str(r.Value),
		"headers", headers, "timestamp", r.Timestamp.UnixMilli(), "timestamp_type", tsType)
}

// fetchErrors reports a poll's errors on stderr (the context's own end is not one).
func fetchErrors(f kgo.Fetches) {
	for _, e := range f.Errors() {
		if errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, context.Canceled) {
			continue
		}
		errf("fetch error on %s/%d: %v", e.Topic, e.Partition, e.Err)
	}
}

// poll polls once, for at most d.
func poll(ctx context.Context, cl *kgo.Client, d time.Duration) kgo.Fetches {
	pctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	f := cl.PollFetches(pctx)
	fetchErrors(f)
	return f
}

// consume reads every partition from the beginning, without a group, until each partition's
// end offset (listed at start) is reached and at least `expect` records were read.
func consume(a *args) error {
	ctx, cancel := deadline(a, 60)
	defer cancel()
	cl, err := newClient(a, kgo.ConsumeTopics(a.Topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		return err
	}
	defer cl.Close()
	highs, err := offsetsOf(ctx, kadm.NewClient(cl), a.Topic, true)
	if err != nil {
		return err
	}
	next := map[int32]int64{}
	count := 0
	done := func() bool {
		if count < a.Expect {
			return false
		}
		for p, hi := range highs {
			if next[p] < hi {
				return false
			}
		}
		return true
	}
	for !done() {
		if ctx.Err() != nil {
			errf("timeout: read %d, positions %v, end offsets %v", count, next, highs)
			out("type", "summary", "count", count, "high_watermarks", highs, "timed_out", true)
			os.Exit(3)
		}
		poll(ctx, cl, 500*time.Millisecond).EachRecord(func(r *kgo.Record) {
			recordLine(r)
			next[r.Partition] = r.Offset + 1
			count++
		})
	}
	out("type", "summary", "count", count, "high_watermarks", highs)
	return nil
}

// waitOne assigns partition 0 from the beginning with fetch max wait fetch_wait_ms, prints
// {"type":"ready"} after the first (empty) poll, then the first record as it arrives.
func waitOne(a *args) error {
	ctx, cancel := deadline(a, 30)
	defer cancel()
	cl, err := newClient(a, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{a.Topic: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchMaxWait(time.Duration(a.FetchWaitMs)*time.Millisecond))
	if err != nil {
		return err
	}
	defer cl.Close()
	ready := false
	for ctx.Err() == nil {
		f := poll(ctx, cl, 200*time.Millisecond)
		if !ready {
			out("type", "ready")
			ready = true
		}
		if rs := f.Records(); len(rs) > 0 {
			r := rs[0]
			out("type", "record", "partition", r.Partition, "offset", r.Offset, "key", str(r.Key), "value", str(r.Value))
			return nil
		}
	}
	errf("no record within the timeout")
	os.Exit(3)
	return nil
}

// rawPartition prints every record of one partition from its log start to its end offset (taken
// at start), key and value as hex.
func rawPartition(a *args) error {
	ctx, cancel := deadline(a, 30)
	defer cancel()
	cl, err := newClient(a, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{a.Topic: {a.Partition: kgo.NewOffset().AtStart()}}),
		kgo.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	los, err := offsetsOf(ctx, adm, a.Topic, false)
	if err != nil {
		return err
	}
	his, err := offsetsOf(ctx, adm, a.Topic, true)
	if err != nil {
		return err
	}
	lo, hi := los[a.Partition], his[a.Partition]
	next := lo
	for next < hi {
		if ctx.Err() != nil {
			errf("timeout: at offset %d of %d", next, hi)
			os.Exit(3)
		}
		rs := poll(ctx, cl, 500*time.Millisecond).Records()
		sort.Slice(rs, func(i, j int) bool { return rs[i].Offset < rs[j].Offset })
		for _, r := range rs {
			out("type", "raw", "offset", r.Offset, "key", hexOf(r.Key), "value", hexOf(r.Value))
			next = r.Offset + 1
		}
	}
	out("type", "summary", "low", lo, "high", hi)
	return nil
}

func hexOf(b []byte) any {
	if b == nil {
		return nil
	}
	return hex.EncodeToString(b)
}

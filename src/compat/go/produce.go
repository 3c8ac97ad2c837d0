package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// acksOf reads acks as the Python drivers take it: 0, 1, -1 or "all" (default "all").
func acksOf(raw json.RawMessage) (kgo.Acks, error) {
	s := strings.Trim(string(raw), `"`)
	switch s {
	case "", "all", "-1":
		return kgo.AllISRAcks(), nil
	case "1":
		return kgo.LeaderAck(), nil
	case "0":
		return kgo.NoAck(), nil
	}
	return kgo.AllISRAcks(), fmt.Errorf("acks %s", s)
}

func codecOf(name string) (kgo.CompressionCodec, error) {
	switch name {
	case "", "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.NoCompression(), fmt.Errorf("unknown compression %q", name)
}

// producerOpts: franz-go is idempotent by default, which needs acks=all; a plain producer (the
// default here, like the other drivers) disables it and keeps one request in flight so that
// retries cannot reorder.
func producerOpts(a *args) ([]kgo.Opt, error) {
	codec, err := codecOf(a.Compression)
	if err != nil {
		return nil, err
	}
	opts := []kgo.Opt{
		kgo.ProducerBatchCompression(codec),
		kgo.ProducerLinger(5 * time.Millisecond),
		// No RecordDeliveryTimeout: franz-go measures it from each record's Timestamp, and base_ts
		// sets timestamps hours in the past. The produce context's deadline bounds delivery instead.
	}
	if a.Idempotence {
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	} else {
		acks, err := acksOf(a.Acks)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DisableIdempotentWrite(), kgo.RequiredAcks(acks), kgo.MaxProduceRequestsInflightPerBroker(1))
	}
	if a.Partitions > 0 {
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	}
	if a.BatchBytes > 0 {
		opts = append(opts, kgo.ProducerBatchMaxBytes(int32(a.BatchBytes)))
	}
	return opts, nil
}

// message is message i of the protocol (see main.go).
func message(a *args, i int) *kgo.Record {
	value := []byte("value-" + strconv.Itoa(i))
	if a.ValueBytes > len(value) {
		value = append(value, []byte(strings.Repeat("x", a.ValueBytes-len(value)))...)
	}
	r := &kgo.Record{
		Topic: a.Topic,
		Key:   []byte("key-" + strconv.Itoa(i)),
		Value: value,
		Headers: []kgo.RecordHeader{
			{Key: "idx", Value: []byte(strconv.Itoa(i))},
			{Key: "src", Value: []byte(srcTag)},
		},
	}
	if a.BaseTs != nil {
		r.Timestamp = time.UnixMilli(*a.BaseTs + int64(i))
	}
	if a.Partitions > 0 {
		r.Partition = int32(i % a.Partitions)
	}
	return r
}

// produce writes messages start..start+count-1 and prints each delivery report ("delivered" or
// "delivery_error"); exits 1 after delivery errors, 2 when the flush runs out of time.
func produce(a *args) error {
	ctx, cancel := deadline(a, 60)
	defer cancel()
	opts, err := producerOpts(a)
	if err != nil {
		return err
	}
	cl, err := newClient(a, opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	var mu sync.Mutex
	failures := 0
	for i := a.Start; i < a.Start+a.Count; i++ {
		cl.Produce(ctx, message(a, i), func(r *kgo.Record, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				out("type", "delivery_error", "error", err.Error(), "key", str(r.Key))
				return
			}
			out("type", "delivered", "partition", r.Partition, "offset", r.Offset, "key", str(r.Key),
				"timestamp", r.Timestamp.UnixMilli())
		})
	}
	if err := cl.Flush(ctx); err != nil {
		errf("messages not delivered before the flush timeout: %v", err)
		os.Exit(2)
	}
	mu.Lock()
	defer mu.Unlock()
	if failures > 0 {
		errf("%d delivery errors", failures)
		os.Exit(1)
	}
	out("type", "summary", "produced", a.Count)
	return nil
}

// txnProduce: an idempotent producer writes count records, value "<p>:<i>" (the i-th record of
// partition p), key "<n>", record n to partition n % partitions.
func txnProduce(a *args) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cl, err := newClient(a, kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		return err
	}
	defer cl.Close()
	var mu sync.Mutex
	failures := []string{}
	per := make([]int, a.Partitions)
	for n := 0; n < a.Count; n++ {
		p := n % a.Partitions
		r := &kgo.Record{Topic: a.Topic, Partition: int32(p), Key: []byte(strconv.Itoa(n)), Value: []byte(fmt.Sprintf("%d:%d", p, per[p]))}
		per[p]++
		cl.Produce(ctx, r, func(_ *kgo.Record, err error) {
			if err != nil {
				mu.Lock()
				if len(failures) < 5 {
					failures = append(failures, err.Error())
				}
				mu.Unlock()
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		failures = append(failures, "not delivered before the flush timeout: "+err.Error())
	}
	mu.Lock()
	defer mu.Unlock()
	tout("type", "produced", "count", a.Count, "failures", failures)
	return nil
}

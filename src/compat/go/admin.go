package main

import (
	"errors"
	"sort"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// adminClient is a kadm client over a fresh kgo client; close the kgo client when done.
func adminClient(a *args) (*kadm.Client, func(), error) {
	cl, err := newClient(a)
	if err != nil {
		return nil, nil, err
	}
	return kadm.NewClient(cl), cl.Close, nil
}

// metadata: kadm.Metadata of the topic: cluster id, controller, brokers, the topic's partitions.
func metadata(a *args) error {
	ctx, cancel := deadline(a, 20)
	defer cancel()
	adm, closeFn, err := adminClient(a)
	if err != nil {
		return err
	}
	defer closeFn()
	md, err := adm.Metadata(ctx, a.Topic)
	if err != nil {
		return err
	}
	brokers := []map[string]any{}
	for _, b := range md.Brokers {
		brokers = append(brokers, map[string]any{"id": b.NodeID, "host": b.Host, "port": b.Port})
	}
	var topicErr any
	partitions := []map[string]any{}
	if t, ok := md.Topics[a.Topic]; ok {
		topicErr = errText(t.Err)
		for _, p := range t.Partitions.Sorted() {
			partitions = append(partitions, map[string]any{"id": p.Partition, "leader": p.Leader, "replicas": p.Replicas, "isrs": p.ISR})
		}
	} else {
		topicErr = "topic not in the metadata response"
	}
	out("type", "metadata", "cluster_id", md.Cluster, "controller_id", md.Controller, "brokers", brokers,
		"topic_error", topicErr, "partitions", partitions)
	return nil
}

// offsetsForTimes: kadm.ListOffsetsAfterMilli per partition. Where no record has a timestamp at or
// after the query, Kafka answers -1 and kadm lists the end offset instead (its documented
// fallback, timestamp -1): both are printed as kadm reports them.
func offsetsForTimes(a *args) error {
	ctx, cancel := deadline(a, 30)
	defer cancel()
	adm, closeFn, err := adminClient(a)
	if err != nil {
		return err
	}
	defer closeFn()
	if _, err := offsetsOf(ctx, adm, a.Topic, true); err != nil {
		return err
	}
	listed, err := adm.ListOffsetsAfterMilli(ctx, a.Timestamp, a.Topic)
	if err != nil {
		return err
	}
	var all []kadm.ListedOffset
	listed.Each(func(o kadm.ListedOffset) { all = append(all, o) })
	sort.Slice(all, func(i, j int) bool { return all[i].Partition < all[j].Partition })
	for _, o := range all {
		out("type", "offset", "partition", o.Partition, "offset", o.Offset, "timestamp", o.Timestamp, "error", errText(o.Err))
	}
	return nil
}

// alterConfigs: kadm.AlterTopicConfigs (IncrementalAlterConfigs, SET of each key in `set`), then
// the topic's configs as DescribeConfigs reports them.
func alterConfigs(a *args) error {
	ctx, cancel := deadline(a, 20)
	defer cancel()
	adm, closeFn, err := adminClient(a)
	if err != nil {
		return err
	}
	defer closeFn()
	names := make([]string, 0, len(a.Set))
	for k := range a.Set {
		names = append(names, k)
	}
	sort.Strings(names)
	var alter []kadm.AlterConfig
	for _, k := range names {
		v := a.Set[k]
		alter = append(alter, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: &v})
	}
	resps, err := adm.AlterTopicConfigs(ctx, alter, a.Topic)
	if err != nil {
		return err
	}
	for _, r := range resps {
		if r.Err == nil {
			out("type", "alter", "ok", true)
			continue
		}
		code := r.Err.Error()
		var ke *kerr.Error
		if errors.As(r.Err, &ke) {
			code = ke.Message
		}
		out("type", "alter", "ok", false, "code", code, "message", r.Err.Error()+": "+r.ErrMessage)
	}
	described, err := adm.DescribeTopicConfigs(ctx, a.Topic)
	if err != nil {
		return err
	}
	rc, err := described.On(a.Topic, nil)
	if err != nil {
		return err
	}
	if rc.Err != nil {
		return rc.Err
	}
	configs := map[string]any{}
	for _, c := range rc.Configs {
		var v any
		if c.Value != nil {
			v = *c.Value
		}
		configs[c.Key] = map[string]any{"value": v, "source": int(c.Source)}
	}
	out("type", "describe", "configs", configs)
	return nil
}

// deleteRecords: kadm.DeleteRecords of the topic's partitions up to `before` (partition ->
// offset; -1: the high watermark); prints each partition's new low watermark or error.
func deleteRecords(a *args) error {
	ctx, cancel := deadline(a, 20)
	defer cancel()
	adm, closeFn, err := adminClient(a)
	if err != nil {
		return err
	}
	defer closeFn()
	var os kadm.Offsets
	for p, o := range a.Before {
		n, err := strconv.Atoi(p)
		if err != nil {
			return err
		}
		os.AddOffset(a.Topic, int32(n), o, -1)
	}
	resps, err := adm.DeleteRecords(ctx, os)
	if err != nil {
		return err
	}
	var all []kadm.DeleteRecordsResponse
	for _, ps := range resps {
		for _, r := range ps {
			all = append(all, r)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Partition < all[j].Partition })
	for _, r := range all {
		var code any
		var ke *kerr.Error
		if errors.As(r.Err, &ke) {
			code = ke.Message
		}
		out("type", "deleted", "partition", r.Partition, "low_watermark", r.LowWatermark, "error", errText(r.Err), "code", code)
	}
	return nil
}

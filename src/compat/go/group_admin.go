package main

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// groupAdmin walks kadm's group administration around a franz-go group consumer of `topic` and
// prints what it observes: the member consumes `expect` records and commits; ListGroups and
// DescribeGroups while it runs; DeleteGroup while it runs; DescribeGroups after it left; offsets
// set with CommitOffsets (0: 42, 1: 7, 2: 99) and read back with FetchOffsets; where a new member
// starts; DeleteGroup, then ListGroups, FetchOffsets and DeleteGroup again.
func groupAdmin(a *args) error {
	ctx, cancel := deadline(a, 60)
	defer cancel()
	admCl, err := newClient(a)
	if err != nil {
		return err
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	member, err := groupMember(a)
	if err != nil {
		return err
	}
	got := 0
	for got < a.Expect && ctx.Err() == nil {
		got += poll(ctx, member, 500*time.Millisecond).NumRecords()
	}
	if err := member.CommitUncommittedOffsets(ctx); err != nil {
		return err
	}
	out("type", "consumed", "count", got)
	if err := describeGroup(ctx, adm, a.Group, "running"); err != nil {
		return err
	}
	del, _ := adm.DeleteGroup(ctx, a.Group)
	out("type", "delete_running", "error", code(del.Err))
	member.Close()
	if err := describeGroup(ctx, adm, a.Group, "left"); err != nil {
		return err
	}

	var set kadm.Offsets
	for p, o := range map[int32]int64{0: 42, 1: 7, 2: 99} {
		set.AddOffset(a.Topic, p, o, -1)
	}
	committed, err := adm.CommitOffsets(ctx, a.Group, set)
	if err == nil {
		err = committed.Error()
	}
	if err != nil {
		return err
	}
	if err := printOffsets(ctx, admCl, a, "set"); err != nil {
		return err
	}
	if err := firstOffsets(ctx, a); err != nil {
		return err
	}

	del, _ = adm.DeleteGroup(ctx, a.Group)
	out("type", "delete", "error", code(del.Err))
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		return err
	}
	_, has := listed[a.Group]
	out("type", "listed_after_delete", "has", has)
	if err := printOffsets(ctx, admCl, a, "after_delete"); err != nil {
		return err
	}
	del, _ = adm.DeleteGroup(ctx, a.Group)
	out("type", "delete_again", "error", code(del.Err))
	return nil
}

func groupMember(a *args) (*kgo.Client, error) {
	return newClient(a, kgo.ConsumerGroup(a.Group), kgo.ConsumeTopics(a.Topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(), kgo.SessionTimeout(sessionTimeout(a)), kgo.HeartbeatInterval(500*time.Millisecond),
		kgo.FetchMaxWait(500*time.Millisecond))
}

// describeGroup prints the group as ListGroups and DescribeGroups report it.
func describeGroup(ctx context.Context, adm *kadm.Client, group, when string) error {
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		return err
	}
	described, err := adm.DescribeGroups(ctx, group)
	if err != nil {
		return err
	}
	d := described[group]
	out("type", "group", "when", when, "listed_protocol_type", listed[group].ProtocolType,
		"state", d.State, "protocol_type", d.ProtocolType, "members", len(d.Members), "error", code(d.Err))
	return nil
}

// printOffsets prints the group's committed offsets of partitions 0..2 (-1: none).
func printOffsets(ctx context.Context, cl *kgo.Client, a *args, when string) error {
	offsets, err := groupOffsets(ctx, cl, a.Group, a.Topic, 0, 1, 2)
	if err != nil {
		return err
	}
	out("type", "offsets", "when", when, "offsets", offsets)
	return nil
}

// firstOffsets: a new member of the group; the offset of the first record it gets from each partition.
func firstOffsets(ctx context.Context, a *args) error {
	member, err := groupMember(a)
	if err != nil {
		return err
	}
	defer member.Close()
	first := map[int32]int64{}
	for len(first) < 3 && ctx.Err() == nil {
		poll(ctx, member, 500*time.Millisecond).EachRecord(func(r *kgo.Record) {
			if _, ok := first[r.Partition]; !ok {
				first[r.Partition] = r.Offset
			}
		})
	}
	out("type", "first", "offsets", []int64{first[0], first[1], first[2]})
	return nil
}

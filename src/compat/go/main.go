// Command franz-go-driver drives franz-go (pkg/kgo, pkg/kadm) for Tributary's compatibility matrix
// (src/compat/clients/franz-go.ts). It speaks the protocol of the Python drivers in
// src/compat/python/: `driver <command> '<json args>'`, one JSON object per stdout line, diagnostics
// on stderr, exit 0 when the command did what it was asked.
//
// Message i is key "key-<i>", value "value-<i>", headers idx=<i> and src=franz-go and, when
// base_ts is given, the CreateTime timestamp base_ts + i. With `partitions`, message i goes to
// partition i % partitions; otherwise franz-go's default partitioner picks.
//
// Commands (files by concern): produce, txn_produce (produce.go); consume, wait_one,
// raw_partition (consume.go); txn_offsets (txn_offsets.go); txn_fence (txn_fence.go); txn_timeout (txn_timeout.go); metadata, offsets_for_times, alter_configs, delete_records
// (admin.go); admin_topics (admin_topics.go); group_consume, static_member (groups.go); group_admin (group_admin.go); txn_commit_abort, txn_read, eos
// (transactions.go); version (this file).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// The `src` header every record written by this driver carries.
const srcTag = "franz-go"

var commands = map[string]func(*args) error{
	"produce":           produce,
	"txn_produce":       txnProduce,
	"consume":           consume,
	"wait_one":          waitOne,
	"raw_partition":     rawPartition,
	"metadata":          metadata,
	"offsets_for_times": offsetsForTimes,
	"alter_configs":     alterConfigs,
	"admin_topics":      adminTopics,
	"delete_records":    deleteRecords,
	"group_consume":     groupConsume,
	"group_admin":       groupAdmin,
	"static_member":     staticMember,
	"txn_commit_abort":  txnCommitAbort,
	"txn_read":          txnRead,
	"txn_offsets":       txnOffsets,
	"txn_fence":         txnFence,
	"txn_timeout":       txnTimeout,
	"eos":               eos,
	"version":           version,
}

func main() {
	if len(os.Args) < 2 {
		errf("usage: %s <command> '<json args>'", os.Args[0])
		os.Exit(64)
	}
	fn, ok := commands[os.Args[1]]
	if !ok {
		errf("unknown command %q", os.Args[1])
		os.Exit(64)
	}
	a := &args{}
	if len(os.Args) > 2 {
		if err := json.Unmarshal([]byte(os.Args[2]), a); err != nil {
			errf("bad arguments: %v", err)
			os.Exit(64)
		}
	}
	if err := fn(a); err != nil {
		errf("%s: %v", os.Args[1], err)
		os.Exit(1)
	}
}

// version prints the franz-go module versions this binary was built with.
func version(*args) error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("no build info in the binary")
	}
	kv := []any{"type", "version", "go", info.GoVersion}
	for _, m := range info.Deps {
		switch m.Path {
		case "github.com/twmb/franz-go":
			kv = append(kv, "franz_go", m.Version)
		case "github.com/twmb/franz-go/pkg/kadm":
			kv = append(kv, "kadm", m.Version)
		}
	}
	out(kv...)
	return nil
}

// newClient is a kgo client of the endpoint with franz-go's defaults plus opts; its warnings go to stderr.
func newClient(a *args, opts ...kgo.Opt) (*kgo.Client, error) {
	base := []kgo.Opt{
		kgo.SeedBrokers(a.Bootstrap),
		kgo.ClientID("tributary-compat-franz-go"),
		kgo.WithLogger(kgo.BasicLogger(os.Stderr, logLevel(), func() string { return "[franz-go] " })),
	}
	return kgo.NewClient(append(base, opts...)...)
}

// deadline is the command's own time budget (timeout_s, else def seconds).
func deadline(a *args, def float64) (context.Context, context.CancelFunc) {
	s := a.TimeoutS
	if s <= 0 {
		s = def
	}
	return context.WithTimeout(context.Background(), seconds(s))
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}

func errf(format string, v ...any) {
	fmt.Fprintf(os.Stderr, "[franz-go-driver] "+format+"\n", v...)
}

// logLevel: franz-go's warnings, or everything with FRANZ_GO_DRIVER_DEBUG=1 (to see the requests).
func logLevel() kgo.LogLevel {
	if os.Getenv("FRANZ_GO_DRIVER_DEBUG") == "1" {
		return kgo.LogLevelDebug
	}
	return kgo.LogLevelWarn
}

package main

import "encoding/json"

// args are every command's arguments (each command reads its own; names as the Python drivers').
type args struct {
	Bootstrap   string          `json:"bootstrap"`
	Topic       string          `json:"topic"`
	Count       int             `json:"count"`
	Start       int             `json:"start"`
	BaseTs      *int64          `json:"base_ts"`
	Partitions  int             `json:"partitions"`
	Compression string          `json:"compression"`
	Acks        json.RawMessage `json:"acks"`
	ValueBytes  int             `json:"value_bytes"`
	Idempotence bool            `json:"idempotence"`
	BatchBytes  int             `json:"batch_bytes"`
	TimeoutS    float64         `json:"timeout_s"`

	Expect      int   `json:"expect"`
	Timestamp   int64 `json:"timestamp"`
	FetchWaitMs int   `json:"fetch_wait_ms"`
	Partition   int32 `json:"partition"`

	Group            string  `json:"group"`
	IdleS            float64 `json:"idle_s"`
	SessionTimeoutMs int     `json:"session_timeout_ms"`
	Instance         string  `json:"instance"`
	RunS             float64 `json:"run_s"`

	Set   map[string]string `json:"set"`
	Rtype string            `json:"rtype"`
	Name  string            `json:"name"`

	// delete_records: partition -> offset before which records are deleted.
	Before map[string]int64 `json:"before"`

	TransactionalID      string  `json:"transactional_id"`
	TransactionTimeoutMs int     `json:"transaction_timeout_ms"`
	Isolation            string  `json:"isolation"`
	Expected             int     `json:"expected"`
	Timeout              float64 `json:"timeout"`
	Quiet                float64 `json:"quiet"`
	Input                string  `json:"input"`
	Output               string  `json:"output"`
}

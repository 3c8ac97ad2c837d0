package main

import (
	"encoding/json"
	"os"
	"strings"
	"time"
)

// out prints one JSON object whose keys come in the order given (key, value, key, value ...),
// with Python's json.dumps separators (", " and ": "), as the Python drivers print them: cells may
// match a line's text.
func out(kv ...any) {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(kv[i])
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			v, _ = json.Marshal(err.Error())
		}
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteString("}\n")
	os.Stdout.WriteString(b.String())
}

// tout is out with the time ("t", seconds) last, as the Python drivers' transaction lines.
func tout(kv ...any) {
	out(append(kv, "t", float64(time.Now().UnixMilli())/1000)...)
}

// str is a key or value as text (nil stays nil: JSON null).
func str(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// errText is err's text, or nil.
func errText(err error) any {
	if err == nil {
		return nil
	}
	return err.Error()
}

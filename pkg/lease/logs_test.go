package lease

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// sampleLogs is n logs shaped as the escrow's: three topics, 160 bytes of
// data, every field set.
func sampleLogs(n int) []types.Log {
	logs := make([]types.Log, n)
	for i := range logs {
		logs[i] = types.Log{
			Address: common.Address{0xab, byte(i)}, Topics: []common.Hash{{1, byte(i)}, {2}, {3, 0xff}},
			Data: make([]byte, 160), BlockNumber: uint64(1_000_000 + i), TxHash: common.Hash{5, byte(i >> 8), byte(i)},
			TxIndex: uint(i % 7), BlockHash: common.Hash{6, byte(i)}, BlockTimestamp: 1_780_000_000 + uint64(i), Index: uint(i),
		}
		logs[i].Data[3] = byte(i)
	}
	return logs
}

// TestDecodeLogsNodeShape: what a node writes (go-ethereum's own encoding
// of logs, every field, lower-case hex) takes the fast path and reads as
// encoding/json reads it; so do an empty answer and one log removed by a
// reorg.
func TestDecodeLogsNodeShape(t *testing.T) {
	removed := sampleLogs(1)
	removed[0].Removed, removed[0].Data, removed[0].Topics = true, []byte{}, []common.Hash{}
	for name, logs := range map[string][]types.Log{"escrow": sampleLogs(50), "none": {}, "removed": removed} {
		raw, err := json.Marshal(logs)
		if err != nil {
			t.Fatal(err)
		}
		// Pretty-printed, as some endpoints send it, too.
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, raw, "", "  "); err != nil && len(logs) > 0 {
			t.Fatal(err)
		}
		for _, shape := range [][]byte{raw, pretty.Bytes()} {
			got, ok := decodeLogs(shape)
			if !ok {
				t.Fatalf("%s: the fast path refused what a node writes: %.200s", name, shape)
			}
			readsAsJSON(t, shape, got)
		}
	}
}

// FuzzDecodeLogs: whatever the fast path accepts, encoding/json accepts
// too and reads the same; it refuses (leaving it to encoding/json) the
// shapes it does not know: other keys, upper-case hex, escapes, nulls,
// leading zeros, missing fields.
func FuzzDecodeLogs(f *testing.F) {
	raw, err := json.Marshal(sampleLogs(2))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	for _, s := range []string{
		`[]`, ` [ ] `, `null`, `[{}]`, `{}`, ``,
		strings.Replace(string(raw), `"removed":false`, `"removed":null`, 1),
		strings.Replace(string(raw), `"logIndex":"0x0"`, `"logIndex":"0x00"`, 1),
		strings.Replace(string(raw), `"logIndex":"0x0"`, `"LogIndex":"0x0"`, 1),
		strings.Replace(string(raw), `"0xab`, `"0xAB`, 1),
		strings.Replace(string(raw), `"data":`, `"extra":1,"data":`, 1),
		strings.Replace(string(raw), `"address":`, `"addr\u0065ss":`, 1),
		strings.Replace(string(raw), `,"transactionHash"`, `,"x":"y","transactionHash"`, 1),
		strings.Replace(string(raw), `"topics":[`, `"topics":["0x01",`, 1),
		strings.Replace(string(raw), `"blockNumber":"0xf4240"`, `"blockNumber":"0x1ffffffffffffffff"`, 1),
		strings.Replace(string(raw), `"data":"0x`, `"data":"0x0`, 1),
		`[{"address":"0x0000000000000000000000000000000000000000","topics":[],"data":"0x","transactionHash":"0x0000000000000000000000000000000000000000000000000000000000000000"}]`,
		`[{"address":"0x0000000000000000000000000000000000000000","topics":[],"data":"0x","transactionHash":"0x0000000000000000000000000000000000000000000000000000000000000000","data":"0x01"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := decodeLogs(raw)
		if !ok {
			return
		}
		readsAsJSON(t, raw, got)
	})
}

// readsAsJSON fails t unless encoding/json reads raw as got.
func readsAsJSON(t *testing.T, raw []byte, got []types.Log) {
	t.Helper()
	var want []types.Log
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("fast path accepted what encoding/json refuses (%v): %.300q", err, raw)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path read %+v, encoding/json %+v: %.300q", got, want, raw)
	}
}

// BenchmarkDecodeLogs reads an eth_getLogs answer of 10,000 escrow logs
// with the fast path and with encoding/json, in the same run (`ratio`:
// encoding/json's time over the fast path's).
func BenchmarkDecodeLogs(b *testing.B) {
	raw, err := json.Marshal(sampleLogs(10_000))
	if err != nil {
		b.Fatal(err)
	}
	var fast, std time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, ok := decodeLogs(raw); !ok {
			b.Fatal("fast path refused the answer")
		}
		fast += time.Since(t0)
		t0 = time.Now()
		var logs []types.Log
		if err := json.Unmarshal(raw, &logs); err != nil {
			b.Fatal(err)
		}
		std += time.Since(t0)
	}
	n := float64(b.N) * 10_000
	b.ReportMetric(float64(fast.Nanoseconds())/n, "fast-ns/log")
	b.ReportMetric(float64(std.Nanoseconds())/n, "json-ns/log")
	b.ReportMetric(float64(std)/float64(fast), "ratio")
}

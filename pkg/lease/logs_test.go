package lease

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
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

// logsService is an "eth" JSON-RPC service whose eth_getLogs answers
// logs, or err.
type logsService struct {
	logs []types.Log
	err  error
}

func (s *logsService) GetLogs(ctx context.Context, crit map[string]any) ([]types.Log, error) {
	return s.logs, s.err
}

// codedError is a JSON-RPC error with a code, as nodes answer.
type codedError struct{}

func (codedError) Error() string  { return "query returned more than 10000 results" }
func (codedError) ErrorCode() int { return -32005 }

// logsEndpoint serves svc as go-ethereum's JSON-RPC server does, over
// HTTP on loopback, and dials it.
func logsEndpoint(t *testing.T, svc *logsService) *RPC {
	t.Helper()
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", svc); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Stop() })
	return dialEndpoint(t, hs.URL)
}

func dialEndpoint(t *testing.T, url string) *RPC {
	t.Helper()
	e, err := DialRPC(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

var logsArg = map[string]any{"fromBlock": "0x1", "toBlock": "0x2"}

// TestGetLogsNodeAnswer: a go-ethereum node's eth_getLogs answer over HTTP
// is read in one pass by decodeLogs, as encoding/json reads it; its error
// answer comes back with its message and code.
func TestGetLogsNodeAnswer(t *testing.T) {
	svc := &logsService{logs: sampleLogs(200)}
	e := logsEndpoint(t, svc)
	logs, fast, err := e.getLogs(t.Context(), logsArg)
	if err != nil || !fast {
		t.Fatalf("getLogs: fast %v, %v; want the fast path", fast, err)
	}
	raw, err := json.Marshal(svc.logs)
	if err != nil {
		t.Fatal(err)
	}
	readsAsJSON(t, raw, logs)

	svc.logs = []types.Log{} // as nodes answer none
	if logs, fast, err := e.getLogs(t.Context(), logsArg); err != nil || !fast || len(logs) != 0 {
		t.Errorf("no logs: %d logs, fast %v, %v", len(logs), fast, err)
	}

	svc.err = codedError{}
	_, _, err = e.getLogs(t.Context(), logsArg)
	var rpcErr rpc.Error
	if !errors.As(err, &rpcErr) || rpcErr.ErrorCode() != -32005 || !strings.Contains(err.Error(), "more than 10000 results") {
		t.Errorf("an error answer read as %v", err)
	}
}

// TestGetLogsOddAnswers: an endpoint's answer in another shape is read by
// encoding/json; one too big, the answer to another request, a refusal
// over HTTP and one that is not JSON-RPC are errors that say so.
func TestGetLogsOddAnswers(t *testing.T) {
	raw, err := json.Marshal(sampleLogs(3))
	if err != nil {
		t.Fatal(err)
	}
	answer := func(status int, body string) *RPC {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			io.WriteString(w, body)
		}))
		t.Cleanup(hs.Close)
		return dialEndpoint(t, hs.URL)
	}
	logs, fast, err := answer(200, `{"id":1,"result":`+string(raw)+`,"jsonrpc":"2.0"}`).getLogs(t.Context(), logsArg)
	if err != nil || fast {
		t.Fatalf("keys in another order: fast %v, %v; want encoding/json", fast, err)
	}
	readsAsJSON(t, raw, logs)
	if logs, _, err := answer(200, `{"jsonrpc":"2.0","id":1,"result":null}`).getLogs(t.Context(), logsArg); err != nil || len(logs) != 0 {
		t.Errorf("a null result: %d logs, %v; want none, as go-ethereum's client reads it", len(logs), err)
	}

	defer func(limit int64) { maxLogsAnswer = limit }(maxLogsAnswer)
	maxLogsAnswer = int64(len(raw)) + 10
	for name, c := range map[string]struct {
		status     int
		body, want string
	}{
		"oversize":     {200, `{"jsonrpc":"2.0","id":1,"result":` + string(raw) + `}`, "over"},
		"another id":   {200, `{"jsonrpc":"2.0","id":7,"result":[]}`, "request 7"},
		"refused":      {429, `rate limited`, "429"},
		"not JSON-RPC": {200, `<html>`, "decode the answer"},
		"empty":        {200, `{"jsonrpc":"2.0","id":1}`, "neither result nor error"},
	} {
		if _, _, err := answer(c.status, c.body).getLogs(t.Context(), logsArg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
}

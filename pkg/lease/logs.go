package lease

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// rawRPC is a backend that hands out its JSON-RPC client (an
// ethclient.Client does).
type rawRPC interface {
	Client() *rpc.Client
}

// filterLogs reads the escrow's logs of blocks from..to. Through a
// JSON-RPC endpoint the answer is decoded by decodeLogs, which reads the
// shape endpoints send several times faster than encoding/json (most of a
// broker's CPU while it catches up with a chain); anything else it leaves
// to encoding/json, whose reading, errors included, is the reference.
func (c *Client) filterLogs(ctx context.Context, from, to uint64) ([]types.Log, error) {
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from),
		ToBlock:   new(big.Int).SetUint64(to),
		Addresses: []common.Address{c.address},
	}
	// The request ethclient.FilterLogs sends for q.
	arg := map[string]any{
		"address":   q.Addresses,
		"fromBlock": hexutil.EncodeUint64(from),
		"toBlock":   hexutil.EncodeUint64(to),
	}
	if e, ok := c.backend.(*RPC); ok && e.http != nil {
		logs, _, err := e.getLogs(ctx, arg)
		return logs, err
	}
	r, ok := c.backend.(rawRPC)
	if !ok || r.Client() == nil {
		return c.backend.FilterLogs(ctx, q)
	}
	var raw json.RawMessage
	if err := r.Client().CallContext(ctx, &raw, "eth_getLogs", arg); err != nil {
		return nil, err
	}
	if logs, ok := decodeLogs(raw); ok {
		return logs, nil
	}
	var logs []types.Log
	if err := json.Unmarshal(raw, &logs); err != nil {
		return nil, fmt.Errorf("decode logs: %w", err)
	}
	return logs, nil
}

// maxLogsAnswer bounds an eth_getLogs answer read over HTTP. Endpoints cap
// theirs at 10,000 logs or so, about 8 MiB; past their cap the watcher
// reads in smaller ranges.
var maxLogsAnswer int64 = 256 << 20

// logsRequest is the eth_getLogs request getLogs sends, and logsAnswerHead
// how a node's answer to it begins.
const (
	logsRequest    = `{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[%s]}`
	logsAnswerHead = `{"jsonrpc":"2.0","id":1,"result":`
)

// getLogs sends an eth_getLogs request of arg to the HTTP endpoint e and
// reads the answer itself: go-ethereum's client would read the whole answer
// three times with encoding/json before decodeLogs reads it once more. An
// answer that begins as nodes write it (logsAnswerHead) is read by
// decodeLogs alone; anything else by encoding/json. fast says which.
func (e *RPC) getLogs(ctx context.Context, arg any) (logs []types.Log, fast bool, err error) {
	params, err := json.Marshal(arg)
	if err != nil {
		return nil, false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, strings.NewReader(fmt.Sprintf(logsRequest, params)))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxLogsAnswer+1))
	switch {
	case err != nil:
		return nil, false, fmt.Errorf("read the answer: %w", err)
	case int64(len(body)) > maxLogsAnswer:
		return nil, false, fmt.Errorf("the answer is over %d MiB", maxLogsAnswer>>20)
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		return nil, false, rpc.HTTPError{Status: resp.Status, StatusCode: resp.StatusCode, Body: body}
	}
	if rest, ok := bytes.CutPrefix(bytes.TrimRight(body, " \t\r\n"), []byte(logsAnswerHead)); ok {
		if result, ok := bytes.CutSuffix(rest, []byte("}")); ok {
			if logs, ok := decodeLogs(result); ok {
				return logs, true, nil
			}
		}
	}
	var answer struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, false, fmt.Errorf("decode the answer: %w", err)
	}
	switch {
	case answer.Error != nil:
		return nil, false, answer.Error
	case string(answer.ID) != "1":
		return nil, false, fmt.Errorf("the answer is to request %s, not 1", answer.ID)
	case len(answer.Result) == 0:
		return nil, false, errors.New("the answer has neither result nor error")
	}
	if err := json.Unmarshal(answer.Result, &logs); err != nil {
		return nil, false, fmt.Errorf("decode logs: %w", err)
	}
	return logs, false, nil
}

// rpcError is a JSON-RPC error answer; it is an rpc.Error.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("json-rpc error %d", e.Code)
	}
	return e.Message
}

// ErrorCode is the error's JSON-RPC code.
func (e *rpcError) ErrorCode() int { return e.Code }

// decodeLogs decodes an eth_getLogs answer: a JSON array of log objects
// with exactly the keys types.Log has, lower-case hex as endpoints write
// it, no escapes and no nulls. ok is false for anything else, which it
// leaves to encoding/json (FuzzDecodeLogs: whatever it accepts, it reads
// as encoding/json does).
func decodeLogs(raw []byte) (logs []types.Log, ok bool) {
	d := logDecoder{b: raw}
	if !d.byte('[') {
		return nil, false
	}
	logs = []types.Log{}
	if d.peek() == ']' {
		d.i++
		return logs, d.end()
	}
	for {
		var l types.Log
		if !d.log(&l) {
			return nil, false
		}
		logs = append(logs, l)
		switch {
		case d.byte(','):
		case d.byte(']'):
			return logs, d.end()
		default:
			return nil, false
		}
	}
}

// logDecoder reads b from i on.
type logDecoder struct {
	b []byte
	i int
}

func (d *logDecoder) space() {
	for d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\t' || d.b[d.i] == '\n' || d.b[d.i] == '\r') {
		d.i++
	}
}

// peek is the next byte past white space (0 at the end).
func (d *logDecoder) peek() byte {
	d.space()
	if d.i == len(d.b) {
		return 0
	}
	return d.b[d.i]
}

// byte reads c, past white space.
func (d *logDecoder) byte(c byte) bool {
	if d.peek() != c {
		return false
	}
	d.i++
	return true
}

// end reports whether only white space is left.
func (d *logDecoder) end() bool {
	d.space()
	return d.i == len(d.b)
}

// str reads a string with no escapes and returns what is between its
// quotes.
func (d *logDecoder) str() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start := d.i
	for d.i < len(d.b) {
		switch c := d.b[d.i]; {
		case c == '"':
			d.i++
			return d.b[start : d.i-1], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
		d.i++
	}
	return nil, false
}

// hex reads a "0x"-prefixed string of lower-case hex digits and returns
// the digits.
func (d *logDecoder) hex() ([]byte, bool) {
	s, ok := d.str()
	if !ok || len(s) < 2 || s[0] != '0' || s[1] != 'x' {
		return nil, false
	}
	for _, c := range s[2:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, false
		}
	}
	return s[2:], true
}

// bytes reads hex data of an even number of digits.
func (d *logDecoder) bytes() ([]byte, bool) {
	h, ok := d.hex()
	if !ok || len(h)%2 != 0 {
		return nil, false
	}
	out := make([]byte, len(h)/2)
	for i := range out {
		out[i] = nibble(h[2*i])<<4 | nibble(h[2*i+1])
	}
	return out, true
}

// fixed reads exactly len(out) bytes of hex data into out.
func (d *logDecoder) fixed(out []byte) bool {
	h, ok := d.hex()
	if !ok || len(h) != 2*len(out) {
		return false
	}
	for i := range out {
		out[i] = nibble(h[2*i])<<4 | nibble(h[2*i+1])
	}
	return true
}

// quantity reads a hex number as JSON-RPC writes it: no leading zeros,
// at most 64 bits.
func (d *logDecoder) quantity() (uint64, bool) {
	h, ok := d.hex()
	if !ok || len(h) == 0 || len(h) > 16 || len(h) > 1 && h[0] == '0' {
		return 0, false
	}
	var n uint64
	for _, c := range h {
		n = n<<4 | uint64(nibble(c))
	}
	return n, true
}

func nibble(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// log reads one log object; the address, topics, data and transaction
// hash must be there, as encoding/json into types.Log requires.
func (d *logDecoder) log(l *types.Log) bool {
	if !d.byte('{') {
		return false
	}
	var address, topics, data, txHash bool
	if d.peek() != '}' {
		for {
			key, ok := d.str()
			if !ok || !d.byte(':') {
				return false
			}
			switch string(key) {
			case "address":
				ok, address = d.fixed(l.Address[:]), true
			case "topics":
				ok, topics = d.topics(l), true
			case "data":
				l.Data, ok = d.bytes()
				data = true
			case "blockNumber":
				l.BlockNumber, ok = d.quantity()
			case "transactionHash":
				ok, txHash = d.fixed(l.TxHash[:]), true
			case "transactionIndex":
				var n uint64
				n, ok = d.quantity()
				l.TxIndex = uint(n)
			case "blockHash":
				ok = d.fixed(l.BlockHash[:])
			case "blockTimestamp":
				l.BlockTimestamp, ok = d.quantity()
			case "logIndex":
				var n uint64
				n, ok = d.quantity()
				l.Index = uint(n)
			case "removed":
				l.Removed, ok = d.boolean()
			default:
				return false
			}
			if !ok {
				return false
			}
			if !d.byte(',') {
				break
			}
		}
	}
	return d.byte('}') && address && topics && data && txHash
}

// topics reads an array of 32-byte hashes into l.Topics.
func (d *logDecoder) topics(l *types.Log) bool {
	if !d.byte('[') {
		return false
	}
	l.Topics = []common.Hash{}
	if d.byte(']') {
		return true
	}
	for {
		var h common.Hash
		if !d.fixed(h[:]) {
			return false
		}
		l.Topics = append(l.Topics, h)
		if d.byte(']') {
			return true
		}
		if !d.byte(',') {
			return false
		}
	}
}

// boolean reads true or false.
func (d *logDecoder) boolean() (bool, bool) {
	d.space()
	rest := d.b[d.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.i += 5
		return false, true
	}
	return false, false
}

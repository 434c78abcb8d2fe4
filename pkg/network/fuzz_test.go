package network

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// nopDeadline stands in for a stream's read deadline.
type nopDeadline struct{}

func (nopDeadline) SetReadDeadline(time.Time) error { return nil }

// frames is a byte stream of length-prefixed messages.
func frames(t testing.TB, msgs ...[]byte) []byte {
	var buf bytes.Buffer
	for _, m := range msgs {
		if err := writeFrame(&buf, m); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// FuzzFrames feeds a peer's bytes to the readers of every market stream:
// messages under a cap, a lease request, and a chunk stream (input, logs,
// output) with its trailer. None may panic, return more than its cap, or
// take a trailer that does not check out.
func FuzzFrames(f *testing.F) {
	req, _ := json.Marshal(leaseRequest{LeaseID: common.Hash{1}, Op: OpInput, Size: 5})
	sum := sha256.Sum256([]byte("hello"))
	trailer, _ := json.Marshal(chunkTrailer{Size: 5, SHA256: hex.EncodeToString(sum[:])})
	f.Add(frames(f, req))
	f.Add(frames(f, append([]byte{tagData}, "hello"...), []byte{tagKeepalive}, append([]byte{tagEnd}, trailer...)))
	f.Add(frames(f, []byte{tagEnd}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := newFrameReader(bytes.NewReader(data))
		for {
			msg, err := fr.next(maxLeaseRequestBytes)
			if err != nil {
				break
			}
			if len(msg) > maxLeaseRequestBytes {
				t.Fatalf("a %d-byte message past a %d-byte cap", len(msg), maxLeaseRequestBytes)
			}
		}
		var r leaseRequest
		_ = newFrameReader(bytes.NewReader(data)).nextJSON(maxLeaseRequestBytes, &r)
		in := &checkedInput{cr: newChunkReader(newFrameReader(bytes.NewReader(data)), nopDeadline{}, time.Second), h: sha256.New()}
		got, err := io.ReadAll(in)
		if err != nil {
			return
		}
		// Taken whole: it must be what the trailer declared.
		sum := sha256.Sum256(got)
		if !in.done || in.cr.trailer.Size != int64(len(got)) || in.cr.trailer.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("input of %d bytes taken against a trailer of %d bytes, %s", len(got), in.cr.trailer.Size, in.cr.trailer.SHA256)
		}
	})
}

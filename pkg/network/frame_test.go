package network

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
)

func TestFrameReader(t *testing.T) {
	frame := func(body string) []byte { return append(binary.AppendUvarint(nil, uint64(len(body))), body...) }
	tests := []struct {
		name    string
		in      []byte
		limit   int
		want    string
		wantErr error
	}{
		{"message", frame("hello"), 8, "hello", nil},
		{"empty message", frame(""), 8, "", nil},
		{"at the cap", frame("12345678"), 8, "12345678", nil},
		{"over the cap", frame("123456789"), 8, "", errFrameTooLarge},
		{"huge length, no body", binary.AppendUvarint(nil, 1<<40), 8, "", errFrameTooLarge},
		{"truncated body", frame("hello")[:4], 8, "", io.ErrUnexpectedEOF},
		{"end of stream", nil, 8, "", io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newFrameReader(bytes.NewReader(tt.in)).next(tt.limit)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("next: got error %v, want %v", err, tt.wantErr)
			}
			if string(got) != tt.want {
				t.Errorf("next: got %q, want %q", got, tt.want)
			}
		})
	}
}

// pipe is a connected pair with deadlines, as a stream has.
func pipe(t *testing.T) (net.Conn, net.Conn) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func TestChunkStream(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 10_000) // several chunks
	sum := sha256.Sum256(body)
	tests := []struct {
		name    string
		write   func(w *chunkWriter, raw io.Writer) error
		want    []byte
		trailer chunkTrailer
		wantErr error
	}{
		{"body with keepalives", func(w *chunkWriter, _ io.Writer) error {
			w.keepalive()
			w.Write(body[:1000])
			w.keepalive()
			w.Write(body[1000:])
			return w.end(chunkTrailer{Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])})
		}, body, chunkTrailer{Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}, nil},
		{"error trailer", func(w *chunkWriter, _ io.Writer) error {
			w.Write([]byte("partial"))
			return w.end(chunkTrailer{Error: "job crashed"})
		}, []byte("partial"), chunkTrailer{Error: "job crashed"}, nil},
		{"no trailer", func(w *chunkWriter, raw io.Writer) error {
			w.Write([]byte("partial"))
			return raw.(io.Closer).Close()
		}, []byte("partial"), chunkTrailer{}, io.ErrUnexpectedEOF},
		{"unknown tag", func(_ *chunkWriter, raw io.Writer) error {
			return writeFrame(raw, []byte{9, 'x'})
		}, nil, chunkTrailer{}, errChunkStream},
		{"oversize trailer", func(w *chunkWriter, _ io.Writer) error {
			return w.end(chunkTrailer{Error: strings.Repeat("e", maxTrailerBytes)})
		}, nil, chunkTrailer{}, errChunkStream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := pipe(t)
			var wg sync.WaitGroup
			defer wg.Wait()
			wg.Go(func() { tt.write(newChunkWriter(a, time.Second), a) })
			cr := newChunkReader(newFrameReader(b), b, 5*time.Second)
			got, err := io.ReadAll(cr)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("read: got error %v, want %v", err, tt.wantErr)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("read %d bytes, want %d", len(got), len(tt.want))
			}
			if cr.trailer != tt.trailer {
				t.Errorf("trailer %+v, want %+v", cr.trailer, tt.trailer)
			}
		})
	}
}

// TestCheckedInput: the host's reader ends cleanly only when the body
// matches the trailer.
func TestCheckedInput(t *testing.T) {
	body := []byte("training data")
	sum := sha256.Sum256(body)
	tests := []struct {
		name    string
		trailer chunkTrailer
		wantErr error
	}{
		{"intact", chunkTrailer{Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}, nil},
		{"wrong hash", chunkTrailer{Size: int64(len(body)), SHA256: strings.Repeat("00", 32)}, ErrCorrupt},
		{"wrong size", chunkTrailer{Size: 3, SHA256: hex.EncodeToString(sum[:])}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := pipe(t)
			var wg sync.WaitGroup
			defer wg.Wait()
			wg.Go(func() {
				w := newChunkWriter(a, time.Second)
				w.Write(body)
				w.end(tt.trailer)
			})
			in := &checkedInput{cr: newChunkReader(newFrameReader(b), b, 5*time.Second), h: sha256.New()}
			got, err := io.ReadAll(in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("read: got error %v, want %v", err, tt.wantErr)
			}
			if string(got) != string(body) {
				t.Errorf("read %q, want %q", got, body)
			}
			if in.done != (tt.wantErr == nil) {
				t.Errorf("done = %v, want %v", in.done, tt.wantErr == nil)
			}
		})
	}
}

// lateClose is a request stream whose requester is slow between writing
// its message and closing its write side, as a busy node is: CloseWrite
// waits for wait, then records what closing the real stream said.
type lateClose struct {
	network.Stream
	wait     func()
	closeErr error
}

func (l *lateClose) CloseWrite() error {
	l.wait()
	l.closeErr = l.Stream.CloseWrite()
	return l.closeErr
}

// TestRequestOutlivesResponderClose: a responder answers and closes the
// whole stream as soon as it has a request's message (the auctioneer does).
// On QUIC that cancels the requester's writing, and a requester that closes
// its write side only then must still take the reply. Under load this lost
// bids ("close called for canceled stream").
func TestRequestOutlivesResponderClose(t *testing.T) {
	quicOnly := func(c *Config) { c.ListenAddrs = []string{"/ip4/127.0.0.1/udp/0/quic-v1"} }
	cfg := testConfig(t, "responder")
	quicOnly(&cfg)
	responder := startNode(t, cfg)
	cfg = testConfig(t, "requester", responder)
	quicOnly(&cfg)
	requester := startNode(t, cfg)

	const proto = "/tender-test/request/1.0.0"
	answered := make(chan struct{})
	responder.host.SetStreamHandler(proto, func(s network.Stream) {
		defer close(answered)
		msg, err := newMessageReader(s).next(1024)
		if err != nil {
			s.Reset()
			return
		}
		writeJSON(s, reply{Detail: string(msg)})
		s.Close()
	})
	s, err := requester.host.NewStream(t.Context(), responder.ID(), proto)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	late := &lateClose{Stream: s, wait: func() {
		<-answered
		// Until the responder's STOP_SENDING has cancelled this side.
		waitFor(t, 10*time.Second, "the responder's close to cancel the request's writing", func() bool {
			_, err := s.Write(nil)
			return err != nil
		})
	}}
	if err := writeRequest(late, []byte("the bid")); err != nil {
		t.Fatalf("writeRequest: %v, want nil: the message was written", err)
	}
	if late.closeErr == nil {
		t.Fatal("closing the cancelled write side succeeded: the test did not reproduce the race")
	}
	var r reply
	if err := newMessageReader(s).nextJSON(maxReplyBytes, &r); err != nil {
		t.Fatalf("read the reply: %v", err)
	}
	if r.Detail != "the bid" {
		t.Errorf("reply %+v, want the responder's answer to the request", r)
	}
}

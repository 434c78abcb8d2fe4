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

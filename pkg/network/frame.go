package network

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
)

// Every market stream carries length-prefixed messages: a uvarint length,
// then that many bytes. A reader refuses a length over its cap before it
// reads the body.

// errFrameTooLarge reports a message longer than the stream allows.
var errFrameTooLarge = errors.New("message over the size cap")

// readBufSize is the read buffer of a stream that carries many messages;
// its memory is reserved from the stream's resource-manager scope with the
// largest message it may carry. A stream that carries one message each way
// gets a small buffer: the message body is read past it.
const (
	readBufSize  = 4 << 10
	smallBufSize = 64
)

// frameReader reads length-prefixed messages from a stream.
type frameReader struct {
	r *bufio.Reader
}

// newFrameReader reads a stream of many messages.
func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, readBufSize)}
}

// newMessageReader reads a stream of one or a few messages.
func newMessageReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, smallBufSize)}
}

// next reads one message of at most limit bytes into a new slice.
func (f *frameReader) next(limit int) ([]byte, error) {
	n, err := f.length(limit)
	if err != nil {
		return nil, err
	}
	return f.body(make([]byte, n))
}

// nextInto reads one message of at most limit bytes into buf, which must
// hold limit bytes, and returns the part of buf it fills.
func (f *frameReader) nextInto(buf []byte, limit int) ([]byte, error) {
	n, err := f.length(limit)
	if err != nil {
		return nil, err
	}
	return f.body(buf[:n])
}

// length reads a message's length and checks it against limit.
func (f *frameReader) length(limit int) (int, error) {
	n, err := binary.ReadUvarint(f.r)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("read length: %w", err)
	}
	if n > uint64(limit) {
		return 0, fmt.Errorf("%w: %d bytes, at most %d", errFrameTooLarge, n, limit)
	}
	return int(n), nil
}

func (f *frameReader) body(buf []byte) ([]byte, error) {
	if _, err := io.ReadFull(f.r, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read %d-byte message: %w", len(buf), err)
	}
	return buf, nil
}

// nextJSON reads one message of at most limit bytes and decodes it into v.
func (f *frameReader) nextJSON(limit int, v any) error {
	buf, err := f.next(limit)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(buf, v); err != nil {
		return fmt.Errorf("decode message: %w", err)
	}
	return nil
}

// writeFrame writes one length-prefixed message.
func writeFrame(w io.Writer, msg []byte) error {
	var hdr [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(hdr[:], uint64(len(msg)))
	// One write where the message is small keeps it in one muxer frame.
	if len(msg) <= 4<<10 {
		buf := make([]byte, 0, n+len(msg))
		buf = append(append(buf, hdr[:n]...), msg...)
		_, err := w.Write(buf)
		return err
	}
	if _, err := w.Write(hdr[:n]); err != nil {
		return err
	}
	_, err := w.Write(msg)
	return err
}

// writeRequest writes a request stream's one message and closes the
// stream's write side. The responder needs only the framed message, and may
// answer and close the whole stream as soon as it has read it: on QUIC that
// cancels this side's writing (STOP_SENDING), and a close that comes after
// fails although the request went through. So only the write's error counts;
// a stream that is really broken fails the read of the reply.
func writeRequest(s network.Stream, msg []byte) error {
	if err := writeFrame(s, msg); err != nil {
		return err
	}
	_ = s.CloseWrite()
	return nil
}

// writeJSON encodes v and writes it as one message.
func writeJSON(w io.Writer, v any) error {
	msg, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	return writeFrame(w, msg)
}

// streamGuard holds what a stream handler reserved: it releases the memory
// when done.
type streamGuard struct {
	s        network.Stream
	reserved int
}

// guardStream sets the stream's service, reserves mem bytes from its scope
// and sets its deadline. On error the stream has been reset.
func guardStream(s network.Stream, mem int, timeout time.Duration) (*streamGuard, error) {
	if err := s.Scope().SetService(serviceName); err != nil {
		s.Reset()
		return nil, fmt.Errorf("attach stream to the %s service: %w", serviceName, err)
	}
	if err := s.Scope().ReserveMemory(mem, network.ReservationPriorityAlways); err != nil {
		s.Reset()
		return nil, fmt.Errorf("reserve %d bytes for the stream: %w", mem, err)
	}
	if err := s.SetDeadline(time.Now().Add(timeout)); err != nil {
		s.Scope().ReleaseMemory(mem)
		s.Reset()
		return nil, fmt.Errorf("set stream deadline: %w", err)
	}
	return &streamGuard{s: s, reserved: mem}, nil
}

// release gives back the reserved memory.
func (g *streamGuard) release() { g.s.Scope().ReleaseMemory(g.reserved) }

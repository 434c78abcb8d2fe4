package network

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// A chunk stream carries a body of any length (job input, logs, the output
// archive) as messages of at most maxChunk bytes, each tagged: data, a
// keepalive that only proves the sender is alive, or the end with a trailer.
// The receiver never holds more than one chunk.
const (
	tagData      byte = 1
	tagKeepalive byte = 2
	tagEnd       byte = 3
	// tagResize, in a shell's input only, carries the tenant's terminal
	// size, TermSize as JSON.
	tagResize byte = 4
	// maxResizeBytes caps a resize message's body.
	maxResizeBytes = 64

	maxChunk        = 64 << 10
	maxTrailerBytes = 1 << 10
	chunkFrameLimit = 1 + maxChunk
	// chunkMem is what one side of a chunk stream holds in buffers.
	chunkMem = binary.MaxVarintLen64 + chunkFrameLimit + readBufSize
)

// chunkTrailer ends a chunk stream: what the body was, or why it stopped.
type chunkTrailer struct {
	Error string `json:"error,omitempty"`
	// Code names the error for programs, as a reply's does.
	Code   string `json:"code,omitempty"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	// ExitCode ends an exec's output: the command's exit status.
	ExitCode *int `json:"exitCode,omitempty"`
}

type readDeadliner interface {
	SetReadDeadline(time.Time) error
}

type writeDeadliner interface {
	io.Writer
	SetWriteDeadline(time.Time) error
}

// chunkWriter writes a chunk stream; each message it sends pushes the write
// deadline idle ahead. Safe for concurrent use, so keepalives can interleave.
type chunkWriter struct {
	mu   sync.Mutex
	w    writeDeadliner
	idle time.Duration
	buf  []byte
}

func newChunkWriter(w writeDeadliner, idle time.Duration) *chunkWriter {
	return &chunkWriter{w: w, idle: idle, buf: make([]byte, 0, binary.MaxVarintLen64+chunkFrameLimit)}
}

// Write sends p as data chunks.
func (c *chunkWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), maxChunk)
		if err := c.send(tagData, p[:n]); err != nil {
			return written, err
		}
		written += n
		p = p[n:]
	}
	return written, nil
}

// resize sends a terminal's new size.
func (c *chunkWriter) resize(size TermSize) error {
	body, err := json.Marshal(size)
	if err != nil {
		return err
	}
	return c.send(tagResize, body)
}

// keepalive sends a message that carries no data.
func (c *chunkWriter) keepalive() error { return c.send(tagKeepalive, nil) }

// end sends the trailer; nothing may be written after it.
func (c *chunkWriter) end(t chunkTrailer) error {
	body, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode trailer: %w", err)
	}
	return c.send(tagEnd, body)
}

func (c *chunkWriter) send(tag byte, body []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := binary.AppendUvarint(c.buf[:0], uint64(1+len(body)))
	b = append(b, tag)
	b = append(b, body...)
	if err := c.w.SetWriteDeadline(time.Now().Add(c.idle)); err != nil {
		return err
	}
	_, err := c.w.Write(b)
	return err
}

// errChunkStream reports a chunk stream that breaks the format.
var errChunkStream = errors.New("malformed chunk stream")

// chunkReader reads the body of a chunk stream: it returns io.EOF at the
// trailer, which trailer then holds. Each message it waits for gets the
// read deadline idle ahead.
type chunkReader struct {
	// onResize, when set, takes resize messages (a shell's input); without
	// it they break the format.
	onResize func(body []byte) error
	// onKeepalive, when set, learns of each keepalive.
	onKeepalive func()
	fr          *frameReader
	d           readDeadliner
	idle        time.Duration
	buf         []byte
	cur         []byte
	trailer     chunkTrailer
	err         error
}

func newChunkReader(fr *frameReader, d readDeadliner, idle time.Duration) *chunkReader {
	return &chunkReader{fr: fr, d: d, idle: idle, buf: make([]byte, chunkFrameLimit)}
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.cur) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		c.err = c.nextChunk()
	}
	n := copy(p, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

// nextChunk reads messages until one carries data or ends the stream.
func (c *chunkReader) nextChunk() error {
	for {
		// It fails only on a closed stream, where the read below fails too.
		_ = c.d.SetReadDeadline(time.Now().Add(c.idle))
		msg, err := c.fr.nextInto(c.buf, chunkFrameLimit)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%w: ended without a trailer", io.ErrUnexpectedEOF)
			}
			return err
		}
		if len(msg) == 0 {
			return fmt.Errorf("%w: empty message", errChunkStream)
		}
		switch body := msg[1:]; msg[0] {
		case tagData:
			if len(body) > 0 {
				c.cur = body
				return nil
			}
		case tagKeepalive:
			if c.onKeepalive != nil {
				c.onKeepalive()
			}
		case tagResize:
			if c.onResize == nil {
				return fmt.Errorf("%w: unknown tag %d", errChunkStream, msg[0])
			}
			if len(body) > maxResizeBytes {
				return fmt.Errorf("%w: %d-byte resize, at most %d", errChunkStream, len(body), maxResizeBytes)
			}
			if err := c.onResize(body); err != nil {
				return fmt.Errorf("%w: resize: %v", errChunkStream, err)
			}
		case tagEnd:
			if len(body) > maxTrailerBytes {
				return fmt.Errorf("%w: %d-byte trailer, at most %d", errChunkStream, len(body), maxTrailerBytes)
			}
			if err := json.Unmarshal(body, &c.trailer); err != nil {
				return fmt.Errorf("%w: trailer: %v", errChunkStream, err)
			}
			return io.EOF
		default:
			return fmt.Errorf("%w: unknown tag %d", errChunkStream, msg[0])
		}
	}
}

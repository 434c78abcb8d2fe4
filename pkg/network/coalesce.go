package network

import (
	"context"
	"net"
	"sync"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/core/sec"
	tptu "github.com/libp2p/go-libp2p/p2p/net/upgrader"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
)

// coalescingTLS is libp2p's TLS security whose connections send what one
// Write encrypts in one write to the socket. Go's TLS writes each record
// (16 KiB at most) to the socket on its own, so a muxer frame of 64 KiB
// took four system calls and woke the peer four times.
type coalescingTLS struct{ *libp2ptls.Transport }

func newCoalescingTLS(id protocol.ID, key crypto.PrivKey, muxers []tptu.StreamMuxer) (sec.SecureTransport, error) {
	t, err := libp2ptls.New(id, key, muxers)
	if err != nil {
		return nil, err
	}
	return coalescingTLS{t}, nil
}

func (t coalescingTLS) SecureInbound(ctx context.Context, insecure net.Conn, p peer.ID) (sec.SecureConn, error) {
	raw := &recordBuffer{Conn: insecure}
	return coalesced(raw)(t.Transport.SecureInbound(ctx, raw, p))
}

func (t coalescingTLS) SecureOutbound(ctx context.Context, insecure net.Conn, p peer.ID) (sec.SecureConn, error) {
	raw := &recordBuffer{Conn: insecure}
	return coalesced(raw)(t.Transport.SecureOutbound(ctx, raw, p))
}

// coalesced wraps a TLS connection secured over raw as a coalescedConn.
func coalesced(raw *recordBuffer) func(sec.SecureConn, error) (sec.SecureConn, error) {
	return func(c sec.SecureConn, err error) (sec.SecureConn, error) {
		if err != nil {
			return nil, err
		}
		return &coalescedConn{SecureConn: c, raw: raw}, nil
	}
}

// coalescedConn is a TLS connection whose Write reaches its socket once.
type coalescedConn struct {
	sec.SecureConn
	mu  sync.Mutex
	raw *recordBuffer
}

func (c *coalescedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.raw.hold()
	n, err := c.SecureConn.Write(p)
	if ferr := c.raw.flush(); err == nil {
		err = ferr
	}
	return n, err
}

// recordBuffer is the socket under a TLS connection: while held, what
// TLS writes is kept and sent in one write at flush.
type recordBuffer struct {
	net.Conn
	mu      sync.Mutex
	holding bool
	buf     *[]byte
}

var recordBufs = sync.Pool{New: func() any { b := make([]byte, 0, 80<<10); return &b }}

func (r *recordBuffer) hold() {
	r.mu.Lock()
	r.holding = true
	r.mu.Unlock()
}

func (r *recordBuffer) Write(p []byte) (int, error) {
	r.mu.Lock()
	if r.holding {
		if r.buf == nil {
			r.buf = recordBufs.Get().(*[]byte)
		}
		*r.buf = append(*r.buf, p...)
		r.mu.Unlock()
		return len(p), nil
	}
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func (r *recordBuffer) flush() error {
	r.mu.Lock()
	r.holding = false
	b := r.buf
	r.buf = nil
	r.mu.Unlock()
	if b == nil {
		return nil
	}
	_, err := r.Conn.Write(*b)
	*b = (*b)[:0]
	recordBufs.Put(b)
	return err
}

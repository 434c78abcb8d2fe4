package network

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/sec"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
)

// countingConn counts the writes that reach it.
type countingConn struct {
	net.Conn
	writes atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// tlsPair secures both ends of a loopback TCP connection with
// coalescingTLS; the client's socket counts its writes.
func tlsPair(t *testing.T) (client, server sec.SecureConn, clientRaw *countingConn) {
	t.Helper()
	key := func() (crypto.PrivKey, peer.ID) {
		k, _, err := crypto.GenerateEd25519Key(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		id, err := peer.IDFromPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return k, id
	}
	ck, _ := key()
	sk, sid := key()
	ct, err := newCoalescingTLS(libp2ptls.ID, ck, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := newCoalescingTLS(libp2ptls.ID, sk, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	type result struct {
		c   sec.SecureConn
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			done <- result{err: err}
			return
		}
		s, err := st.SecureInbound(context.Background(), c, "")
		done <- result{s, err}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	clientRaw = &countingConn{Conn: c}
	client, err = ct.SecureOutbound(context.Background(), clientRaw, sid)
	if err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { client.Close(); r.c.Close() })
	return client, r.c, clientRaw
}

// TestCoalescedTLS: what one Write encrypts reaches the socket in one
// write (TLS records are 16 KiB at most, so 64 KiB took four), and
// concurrent writers' bytes arrive whole and in one piece each.
func TestCoalescedTLS(t *testing.T) {
	client, server, raw := tlsPair(t)
	msg := bytes.Repeat([]byte{0xa5}, 64<<10)
	before := raw.writes.Load()
	if _, err := client.Write(msg); err != nil {
		t.Fatal(err)
	}
	if got := raw.writes.Load() - before; got != 1 {
		t.Errorf("a 64 KiB write took %d socket writes, want 1", got)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(server, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("read back %v: equal %v", err, bytes.Equal(got, msg))
	}

	// Writers at once, each a block of its own byte: every block must
	// come through unbroken.
	const writers, block, rounds = 8, 20 << 10, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			b := bytes.Repeat([]byte{byte(w + 1)}, block)
			for range rounds {
				if _, err := client.Write(b); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	counts := map[byte]int{}
	buf := make([]byte, block)
	for range writers * rounds {
		if _, err := io.ReadFull(server, buf); err != nil {
			t.Fatal(err)
		}
		if bytes.Count(buf, buf[:1]) != block {
			t.Fatalf("a block of writer %d came mixed with another's", buf[0])
		}
		counts[buf[0]]++
	}
	wg.Wait()
	for w := range writers {
		if counts[byte(w+1)] != rounds {
			t.Errorf("writer %d: %d blocks, want %d", w+1, counts[byte(w+1)], rounds)
		}
	}

	// A close while nothing is held goes straight to the socket, and the
	// peer sees the end.
	client.Close()
	if n, err := server.Read(buf); err == nil {
		t.Errorf("read %d bytes after the peer closed, want an error", n)
	}
}

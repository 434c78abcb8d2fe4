package network

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/auction"
)

// memLeaseHost is a provider's lease data held in memory.
type memLeaseHost struct {
	mu       sync.Mutex
	tenantOf int // TenantOf calls
	leases   map[common.Hash]*memLease
	calls    []string // data calls made, "op lease"
	offsets  []int64  // offsets Output was asked for
}

type memLease struct {
	tenant    common.Address
	secrets   map[string]string
	award     *auction.SignedAward
	inputSize int64
	inputSum  [32]byte
	status    LeaseStatus
	logs      []byte
	follow    chan []byte // lines after logs, until closed
	output    []byte
	logsDone  chan error // what Logs returned, when follow is set
	cancelled bool
	// services are the job's exposed ports and the loopback addresses
	// that stand for them.
	services map[uint16]string
	// dialed are the connections DialService made.
	dialed []net.Conn
}

var _ LeaseHost = (*memLeaseHost)(nil)

func newMemLeaseHost() *memLeaseHost {
	return &memLeaseHost{leases: make(map[common.Hash]*memLease)}
}

func (h *memLeaseHost) add(id common.Hash, l *memLease) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.leases[id] = l
}

func (h *memLeaseHost) lease(op string, id common.Hash) (*memLease, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if op != "" {
		h.calls = append(h.calls, op+" "+id.Hex())
	}
	l, ok := h.leases[id]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrLeaseNotServed, id.Hex())
	}
	return l, nil
}

func (h *memLeaseHost) callCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.calls)
}

func (h *memLeaseHost) TenantOf(_ context.Context, id common.Hash) (common.Address, error) {
	h.mu.Lock()
	h.tenantOf++
	h.mu.Unlock()
	l, err := h.lease("", id)
	if err != nil {
		return common.Address{}, err
	}
	return l.tenant, nil
}

func (h *memLeaseHost) PutAward(_ context.Context, id common.Hash, award auction.SignedAward) error {
	l, err := h.lease("award", id)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l.award = &award
	return nil
}

func (h *memLeaseHost) PutSecrets(_ context.Context, id common.Hash, secrets map[string]string) error {
	l, err := h.lease("secrets", id)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l.secrets = secrets
	return nil
}

func (h *memLeaseHost) PutInput(_ context.Context, id common.Hash, _ int64, r io.Reader) error {
	l, err := h.lease("input", id)
	if err != nil {
		return err
	}
	sum := sha256.New()
	n, err := io.Copy(sum, r) // streamed: never held whole
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l.inputSize, l.inputSum = n, [32]byte(sum.Sum(nil))
	return nil
}

func (h *memLeaseHost) Status(_ context.Context, id common.Hash) (LeaseStatus, error) {
	l, err := h.lease("status", id)
	if err != nil {
		return LeaseStatus{}, err
	}
	return l.status, nil
}

func (h *memLeaseHost) Logs(ctx context.Context, id common.Hash, follow bool, w io.Writer) (err error) {
	l, err := h.lease("logs", id)
	if err != nil {
		return err
	}
	if l.logsDone != nil && follow {
		defer func() { l.logsDone <- err }()
	}
	if _, err := w.Write(l.logs); err != nil {
		return err
	}
	if !follow || l.follow == nil {
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case line, ok := <-l.follow:
			if !ok {
				return nil
			}
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
	}
}

func (h *memLeaseHost) Output(_ context.Context, id common.Hash, offset int64) (io.ReadCloser, OutputInfo, error) {
	l, err := h.lease("output", id)
	if err != nil {
		return nil, OutputInfo{}, err
	}
	h.mu.Lock()
	h.offsets = append(h.offsets, offset)
	h.mu.Unlock()
	info := OutputInfo{Size: int64(len(l.output)), SHA256: sha256.Sum256(l.output)}
	if offset > info.Size {
		offset = info.Size
	}
	return io.NopCloser(bytes.NewReader(l.output[offset:])), info, nil
}

func (h *memLeaseHost) Cancel(_ context.Context, id common.Hash) error {
	l, err := h.lease("cancel", id)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l.cancelled = true
	return nil
}

// Exec prints the command's arguments, as echo does, and exits with the
// number of them.
func (h *memLeaseHost) Exec(_ context.Context, id common.Hash, cmd []string, w io.Writer) (int, error) {
	if _, err := h.lease("exec", id); err != nil {
		return 0, err
	}
	fmt.Fprintln(w, strings.Join(cmd[1:], " "))
	return len(cmd) - 1, nil
}

func (h *memLeaseHost) DialService(ctx context.Context, id common.Hash, port uint16) (net.Conn, error) {
	l, err := h.lease("forward", id)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	addr, ok := l.services[port]
	h.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: port %d", ErrNotExposed, port)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	l.dialed = append(l.dialed, c)
	h.mu.Unlock()
	return c, nil
}

// Shell plays a terminal: it prints its size, answers each line with
// "echo: LINE" (and "exit N" by exiting with N), and each resize with
// "size COLSxROWS".
func (h *memLeaseHost) Shell(ctx context.Context, id common.Hash, cmd []string, size TermSize, stdin io.Reader, out io.Writer, resize <-chan TermSize) (int, error) {
	if _, err := h.lease("shell", id); err != nil {
		return 0, err
	}
	return testenv.PlayTerminal(ctx, fmt.Sprintf("%s on a %dx%d terminal", cmd[0], size.Cols, size.Rows), "\n", stdin, out, resize,
		func(sz TermSize) string { return fmt.Sprintf("%dx%d", sz.Cols, sz.Rows) })
}

// TestLeaseExec: a command's output and exit status come back over a
// lease stream; a request that names no command, one of too many
// arguments, or one with a NUL, is reset before any challenge, and the
// host never sees it.
func TestLeaseExec(t *testing.T) {
	provider, tenant, host := leasePair(t)
	key := testKey(t, 1)
	id := common.HexToHash("0xe8ec")
	host.add(id, &memLease{tenant: addrOf(key), status: LeaseStatus{State: JobRunning}})
	lc := tenant.Lease(provider.AddrInfo(), id, auction.NewKeySigner(key))
	var out bytes.Buffer
	code, err := lc.Exec(ctxTimeout(t, waitLong), []string{"echo", "one", "two"}, &out)
	if err != nil || code != 2 || out.String() != "one two\n" {
		t.Fatalf("exec: status %d, %v, output %q; want 2, \"one two\"", code, err, out.String())
	}
	for _, cmd := range [][]string{nil, {""}, {"echo", "a\x00b"}, slices.Repeat([]string{"x"}, maxExecArgs+1), {"echo", strings.Repeat("x", maxExecBytes)}} {
		s, err := tenant.openStream(ctxTimeout(t, waitLong), provider.ID(), ProtocolLease)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(s, leaseRequest{LeaseID: id, Op: OpExec, Command: cmd}); err != nil {
			t.Fatal(err)
		}
		if msg, err := newFrameReader(s).next(maxReplyBytes); err == nil {
			t.Errorf("exec of %d arguments: the provider answered %q, want the stream reset", len(cmd), msg)
		}
		s.Reset()
	}
}

// leasePair is a provider serving a memLeaseHost and a tenant node.
func leasePair(t *testing.T) (provider, tenant *Node, host *memLeaseHost) {
	t.Helper()
	cfg := testConfig(t, "provider")
	cfg.LeaseIdleTimeout = 2 * time.Second
	provider = startNode(t, cfg)
	tcfg := testConfig(t, "tenant", provider)
	tcfg.LeaseIdleTimeout = 2 * time.Second
	tenant = startNode(t, tcfg)
	host = newMemLeaseHost()
	provider.ServeLeases(host)
	return provider, tenant, host
}

// TestLeaseNoHost: a node that serves no leases (a provider still
// resuming, a tenant's node) refuses before the challenge, and the tenant
// is told so, on every protocol that takes the handshake.
func TestLeaseNoHost(t *testing.T) {
	provider, tenant, _ := leasePair(t)
	provider.ServeLeases(nil)
	c := tenant.Lease(provider.AddrInfo(), common.HexToHash("0x1ea5e"), auction.NewKeySigner(testKey(t, 1)))
	if _, err := c.Status(ctxTimeout(t, waitLong)); !errors.Is(err, ErrNoLeaseHost) {
		t.Errorf("status from a node that serves no leases: %v, want %v", err, ErrNoLeaseHost)
	}
	if _, err := c.openProtocol(ctxTimeout(t, waitLong), ProtocolForward, forwardStreamMem, leaseRequest{Op: OpForward, Port: 80}); !errors.Is(err, ErrNoLeaseHost) {
		t.Errorf("a forward to a node that serves no leases: %v, want %v", err, ErrNoLeaseHost)
	}
}

func TestLeaseAccess(t *testing.T) {
	provider, tenant, host := leasePair(t)
	tenantKey, strangerKey := testKey(t, 1), testKey(t, 2)
	leaseID := common.HexToHash("0x1ea5e")
	host.add(leaseID, &memLease{tenant: addrOf(tenantKey), status: LeaseStatus{State: JobRunning}, output: []byte("out")})

	ops := []struct {
		op  LeaseOp
		run func(ctx context.Context, c *LeaseClient) error
	}{
		{OpAward, func(ctx context.Context, c *LeaseClient) error {
			return c.PutAward(ctx, auction.SignedAward{Award: auction.Award{Bid: leaseID, Deposit: big.NewInt(1), Deadline: 1}})
		}},
		{OpSecrets, func(ctx context.Context, c *LeaseClient) error {
			return c.PutSecrets(ctx, map[string]string{"HF_TOKEN": "hf_secret"})
		}},
		{OpInput, func(ctx context.Context, c *LeaseClient) error {
			_, err := c.PutInput(ctx, 5, bytes.NewReader([]byte("input")))
			return err
		}},
		{OpStatus, func(ctx context.Context, c *LeaseClient) error { _, err := c.Status(ctx); return err }},
		{OpLogs, func(ctx context.Context, c *LeaseClient) error { return c.Logs(ctx, false, io.Discard) }},
		{OpOutput, func(ctx context.Context, c *LeaseClient) error {
			f, err := os.Create(filepath.Join(t.TempDir(), "output"))
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = c.DownloadOutput(ctx, f)
			return err
		}},
		{OpCancel, func(ctx context.Context, c *LeaseClient) error { return c.Cancel(ctx) }},
	}
	callers := []struct {
		name    string
		key     *ecdsa.PrivateKey
		leaseID common.Hash
		want    error
	}{
		{"stranger", strangerKey, leaseID, ErrLeaseDenied},
		{"unknown lease", tenantKey, common.HexToHash("0xbad"), ErrLeaseNotServed},
		{"tenant", tenantKey, leaseID, nil},
	}
	for _, c := range callers {
		for _, op := range ops {
			t.Run(c.name+"/"+string(op.op), func(t *testing.T) {
				before := host.callCount()
				client := tenant.Lease(provider.AddrInfo(), c.leaseID, auction.NewKeySigner(c.key))
				err := op.run(ctxTimeout(t, waitLong), client)
				if !errors.Is(err, c.want) {
					t.Fatalf("got %v, want %v", err, c.want)
				}
				if c.want != nil {
					if after := host.callCount(); after != before {
						t.Errorf("lease host got %d calls for a refused stream, want 0", after-before)
					}
				}
			})
		}
	}
	if l, _ := host.lease("", leaseID); !l.cancelled {
		t.Error("the tenant's cancel did not reach the lease host")
	}
}

func TestLeaseData(t *testing.T) {
	provider, tenant, host := leasePair(t)
	tenantKey := testKey(t, 1)
	leaseID := common.HexToHash("0x1ea5e")
	output := make([]byte, 5<<20+123)
	rng := rand.NewChaCha8([32]byte{7})
	rng.Read(output)
	lease := &memLease{
		tenant:   addrOf(tenantKey),
		status:   LeaseStatus{State: JobRunning, Since: time.Unix(1_800_000_000, 0).UTC()},
		logs:     []byte("epoch 1 loss 0.9\nepoch 2 loss 0.5\n"),
		follow:   make(chan []byte),
		output:   output,
		logsDone: make(chan error, 4),
	}
	host.add(leaseID, lease)
	c := tenant.Lease(provider.AddrInfo(), leaseID, auction.NewKeySigner(tenantKey))

	t.Run("secrets", func(t *testing.T) {
		want := map[string]string{"HF_TOKEN": "hf_secret", "WANDB_KEY": "w"}
		if err := c.PutSecrets(ctxTimeout(t, waitLong), want); err != nil {
			t.Fatalf("PutSecrets: %v", err)
		}
		host.mu.Lock()
		defer host.mu.Unlock()
		if fmt.Sprint(lease.secrets) != fmt.Sprint(want) {
			t.Errorf("provider holds secrets %v, want %v", lease.secrets, want)
		}
	})

	t.Run("award", func(t *testing.T) {
		want := auction.SignedAward{
			Award:  auction.Award{Bid: leaseID, Deposit: big.NewInt(3_600_000), Deadline: 1_800_000_120},
			Permit: &auction.Permit{Deadline: 1_800_000_120, Signature: auction.Signature{64: 27}},
		}
		if err := c.PutAward(ctxTimeout(t, waitLong), want); err != nil {
			t.Fatalf("PutAward: %v", err)
		}
		host.mu.Lock()
		got := lease.award
		host.mu.Unlock()
		if got == nil || got.Award.Deposit.Cmp(want.Award.Deposit) != 0 || got.Award.Deadline != want.Award.Deadline || got.Permit == nil || *got.Permit != *want.Permit {
			t.Fatalf("provider holds award %+v, want %+v", got, want)
		}
		// An award for another lease, sent on this lease's stream, is
		// refused before the host sees it.
		other := want
		other.Award.Bid = common.HexToHash("0xbad")
		before := host.callCount()
		if err := c.PutAward(ctxTimeout(t, waitLong), other); !errors.Is(err, ErrLeaseDenied) {
			t.Errorf("an award naming another lease: %v, want %v", err, ErrLeaseDenied)
		}
		// Oversize: the stream is reset.
		lc, err := c.open(ctxTimeout(t, waitLong), leaseRequest{Op: OpAward})
		if err != nil {
			t.Fatal(err)
		}
		huge := append([]byte(`{"award":{"bid":"`+leaseID.Hex()+`","deposit":1,"deadline":1},"x":"`), bytes.Repeat([]byte("x"), maxAwardBytes)...)
		werr := writeFrame(lc.s, append(huge, '"', '}'))
		if werr == nil {
			werr = lc.reply(nil)
		}
		lc.close(false)
		if werr == nil {
			t.Error("an oversize award was answered, want the stream reset")
		}
		if after := host.callCount(); after != before {
			t.Errorf("the host got %d awards that should never reach it", after-before)
		}
	})

	t.Run("input", func(t *testing.T) {
		const size = 8<<20 + 5
		src := io.LimitReader(rand.NewChaCha8([32]byte{9}), size)
		wantSum := sha256.New()
		io.Copy(wantSum, io.LimitReader(rand.NewChaCha8([32]byte{9}), size))
		n, err := c.PutInput(ctxTimeout(t, waitLong), 0, src)
		if err != nil {
			t.Fatalf("PutInput: %v", err)
		}
		host.mu.Lock()
		defer host.mu.Unlock()
		if n != size || lease.inputSize != size || lease.inputSum != [32]byte(wantSum.Sum(nil)) {
			t.Errorf("sent %d, provider took %d bytes with SHA-256 %x; want %d with %x", n, lease.inputSize, lease.inputSum, size, wantSum.Sum(nil))
		}
	})

	t.Run("status", func(t *testing.T) {
		got, err := c.Status(ctxTimeout(t, waitLong))
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if got.State != "running" || !got.Since.Equal(lease.status.Since) {
			t.Errorf("Status() = %+v, want %+v", got, lease.status)
		}
	})

	t.Run("logs", func(t *testing.T) {
		var buf bytes.Buffer
		if err := c.Logs(ctxTimeout(t, waitLong), false, &buf); err != nil {
			t.Fatalf("Logs: %v", err)
		}
		if buf.String() != string(lease.logs) {
			t.Errorf("logs %q, want %q", buf.String(), lease.logs)
		}
	})

	t.Run("logs follow", func(t *testing.T) {
		w := newLineWriter()
		done := make(chan error, 1)
		go func() { done <- c.Logs(ctxTimeout(t, waitLong), true, w) }()
		recv(t, w.lines, waitLong, "first log lines")
		lease.follow <- []byte("epoch 3 loss 0.2\n")
		waitFor(t, waitLong, "followed line", func() bool { return bytes.HasSuffix(w.bytes(), []byte("epoch 3 loss 0.2\n")) })
		close(lease.follow) // the job ends
		if err := recv(t, done, waitLong, "end of followed logs"); err != nil {
			t.Fatalf("Logs(follow): %v", err)
		}
		if err := recv(t, lease.logsDone, waitLong, "host's Logs to return"); err != nil {
			t.Errorf("host's Logs returned %v, want nil", err)
		}
	})

	t.Run("logs follow cancelled", func(t *testing.T) {
		lease.follow = make(chan []byte)
		w := newLineWriter()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- c.Logs(ctx, true, w) }()
		recv(t, w.lines, waitLong, "first log lines")
		cancel()
		if err := recv(t, done, waitLong, "Logs to return"); !errors.Is(err, context.Canceled) {
			t.Errorf("Logs after cancel: got %v, want context.Canceled", err)
		}
		// The provider notices the tenant left at its next keepalive.
		if err := recv(t, lease.logsDone, waitLong, "host's Logs to stop"); !errors.Is(err, context.Canceled) {
			t.Errorf("host's Logs returned %v, want context.Canceled", err)
		}
	})

	t.Run("output resumed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "output.tar")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		const cut = 3<<19 + 17 // about 1.5 MiB
		errDiskFull := errors.New("disk full")
		if _, err := c.DownloadOutput(ctxTimeout(t, waitLong), &failingFile{File: f, left: cut, err: errDiskFull}); !errors.Is(err, errDiskFull) {
			t.Fatalf("interrupted download: got %v, want %v", err, errDiskFull)
		}
		info, err := c.DownloadOutput(ctxTimeout(t, waitLong), f)
		if err != nil {
			t.Fatalf("resumed download: %v", err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, output) || info.SHA256 != sha256.Sum256(output) || info.Size != int64(len(output)) {
			t.Errorf("downloaded %d bytes (info %d, %x), want the %d-byte archive with %x", len(got), info.Size, info.SHA256, len(output), sha256.Sum256(output))
		}
		host.mu.Lock()
		offsets := host.offsets
		host.mu.Unlock()
		if len(offsets) < 2 || offsets[len(offsets)-2] != 0 || offsets[len(offsets)-1] != cut {
			t.Errorf("provider was asked for offsets %v, want [0 %d]", offsets, cut)
		}
	})

	t.Run("output corrupt", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "output.tar")
		partial := bytes.Clone(output[:1<<20])
		partial[1000] ^= 0xff
		if err := os.WriteFile(path, partial, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := c.DownloadOutput(ctxTimeout(t, waitLong), f); !errors.Is(err, ErrCorrupt) {
			t.Errorf("download onto a corrupt prefix: got %v, want ErrCorrupt", err)
		}
	})
}

// failingFile fails its writes once left bytes have been written.
type failingFile struct {
	*os.File
	left int64
	err  error
}

func (f *failingFile) Write(p []byte) (int, error) {
	if int64(len(p)) <= f.left {
		f.left -= int64(len(p))
		return f.File.Write(p)
	}
	n, _ := f.File.Write(p[:f.left])
	f.left = 0
	return n, f.err
}

// lineWriter records what it is given and signals each write.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan struct{}
}

func newLineWriter() *lineWriter { return &lineWriter{lines: make(chan struct{}, 64)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	select {
	case w.lines <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *lineWriter) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf.Bytes())
}

// TestAttackLeaseStreamSquat: a stranger opens lease streams and never
// answers the access challenge, or answers with garbage, to hold the
// provider's lease-stream slots and make it ask the chain. The provider
// drops a silent opener after HandshakeTimeout, not the stream's full
// timeout, refuses garbage without asking the host who the tenant is, and
// the tenant is served meanwhile.
func TestAttackLeaseStreamSquat(t *testing.T) {
	cfg := testConfig(t, "provider")
	cfg.HandshakeTimeout = 300 * time.Millisecond
	provider := startNode(t, cfg)
	tenant := startNode(t, testConfig(t, "tenant", provider))
	stranger := startNode(t, testConfig(t, "stranger", provider))
	host := newMemLeaseHost()
	provider.ServeLeases(host)
	tenantKey := testKey(t, 1)
	leaseID := common.HexToHash("0x1ea5e")
	host.add(leaseID, &memLease{tenant: addrOf(tenantKey), status: LeaseStatus{State: JobRunning}})

	open := func() (io.Writer, *frameReader, func()) {
		s, err := stranger.openStream(ctxTimeout(t, waitLong), provider.ID(), ProtocolLease)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(s, leaseRequest{LeaseID: leaseID, Op: OpStatus}); err != nil {
			t.Fatal(err)
		}
		fr := newFrameReader(s)
		if _, err := fr.next(32); err != nil {
			t.Fatalf("read challenge: %v", err)
		}
		return s, fr, func() { s.Reset() }
	}
	// Silent: dropped after the handshake timeout.
	_, fr, reset := open()
	defer reset()
	start := time.Now()
	if _, err := fr.next(maxReplyBytes); err == nil {
		t.Fatal("the provider answered a stream that never proved anything")
	}
	if took := time.Since(start); took > 5*cfg.HandshakeTimeout {
		t.Errorf("a silent opener held its stream %s, want about the handshake timeout %s", took, cfg.HandshakeTimeout)
	}
	// Garbage: refused, and the host never asked.
	w, fr, reset2 := open()
	defer reset2()
	garbage := make([]byte, 65)
	if err := writeFrame(w, garbage); err != nil {
		t.Fatal(err)
	}
	var rep reply
	if err := fr.nextJSON(maxReplyBytes, &rep); err != nil || rep.err() == nil || !strings.Contains(rep.err().Error(), ErrLeaseDenied.Error()) {
		t.Errorf("garbage signature: %v, %v; want access denied", err, rep.err())
	}
	host.mu.Lock()
	asked := host.tenantOf
	host.mu.Unlock()
	if asked != 0 {
		t.Errorf("the host was asked for the tenant %d times by strangers, want 0", asked)
	}
	// The tenant is served.
	if st, err := tenant.Lease(provider.AddrInfo(), leaseID, auction.NewKeySigner(tenantKey)).Status(ctxTimeout(t, waitLong)); err != nil || st.State != JobRunning {
		t.Errorf("tenant's status: %+v, %v", st, err)
	}
}

// TestAttackLeaseStreamFlood: strangers under eight peer IDs open the lease
// protocol's whole budget of streams (128) and never answer the challenge,
// with a handshake timeout far longer than the test. The waiting ones are
// capped (maxHandshakes, the oldest reset for the newest), so the tenant is
// still served.
func TestAttackLeaseStreamFlood(t *testing.T) {
	cfg := testConfig(t, "provider")
	cfg.HandshakeTimeout = time.Hour
	provider := startNode(t, cfg)
	host := newMemLeaseHost()
	provider.ServeLeases(host)
	tenantKey := testKey(t, 1)
	leaseID := common.HexToHash("0x1ea5e")
	host.add(leaseID, &memLease{tenant: addrOf(tenantKey), status: LeaseStatus{State: JobRunning}})

	const strangers, each = 8, 16
	opened := 0
	for i := range strangers {
		stranger := startNode(t, testConfig(t, fmt.Sprint("stranger-", i), provider))
		for range each {
			s, err := stranger.openStream(ctxTimeout(t, waitLong), provider.ID(), ProtocolLease)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Reset() })
			if err := writeJSON(s, leaseRequest{LeaseID: leaseID, Op: OpStatus}); err != nil {
				t.Fatal(err)
			}
			// The challenge came: the provider holds the stream, waiting.
			if _, err := newFrameReader(s).next(32); err == nil {
				opened++
			}
		}
	}
	if opened < maxHandshakes {
		t.Fatalf("%d of %d silent streams got a challenge, want at least %d", opened, strangers*each, maxHandshakes)
	}
	provider.handshakes.mu.Lock()
	waiting := len(provider.handshakes.streams)
	provider.handshakes.mu.Unlock()
	if waiting > maxHandshakes {
		t.Errorf("%d streams wait in their handshake, want at most %d", waiting, maxHandshakes)
	}
	tenant := startNode(t, testConfig(t, "tenant", provider))
	if st, err := tenant.Lease(provider.AddrInfo(), leaseID, auction.NewKeySigner(tenantKey)).Status(ctxTimeout(t, waitLong)); err != nil || st.State != JobRunning {
		t.Errorf("tenant's status with %d silent streams open: %+v, %v; want it served", opened, st, err)
	}
}

// TestLeaseShell: what the tenant types and its terminal's resizes reach
// the job's terminal, what it shows comes back, and its exit status; a
// terminal left quiet past the idle timeout stays open (keepalives); the
// end of the input ends the command's input; a stranger is refused, and
// a request without a valid terminal or command is reset unanswered.
func TestLeaseShell(t *testing.T) {
	provider, tenant, host := leasePair(t)
	key := testKey(t, 1)
	id := common.HexToHash("0x5e11")
	host.add(id, &memLease{tenant: addrOf(key), status: LeaseStatus{State: JobRunning}})
	lc := tenant.Lease(provider.AddrInfo(), id, auction.NewKeySigner(key))
	ctx := ctxTimeout(t, waitLong)
	var keepalives atomic.Int64
	provider.shellKeepalive = func() { keepalives.Add(1) }

	in, typed := io.Pipe()
	defer typed.Close()
	out := newLineWriter()
	resize := make(chan TermSize, 1)
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := lc.Shell(ctx, []string{"/bin/sh"}, TermSize{Cols: 100, Rows: 30}, in, out, resize)
		done <- result{code, err}
	}()
	shows := func(what string) {
		t.Helper()
		waitFor(t, waitLong, "the terminal to show "+what, func() bool { return strings.Contains(string(out.bytes()), what) })
	}
	shows("/bin/sh on a 100x30 terminal")
	io.WriteString(typed, "hello\n")
	shows("echo: hello")
	resize <- TermSize{Cols: 132, Rows: 43}
	shows("size 132x43")
	// A quiet terminal outlives the idle timeout: the tenant's keepalives,
	// one every quarter of it, reach the provider; past eight of them (two
	// idle timeouts) the terminal still answers.
	keepalives.Store(0)
	waitFor(t, waitLong, "eight keepalives from a quiet tenant", func() bool { return keepalives.Load() >= 8 })
	io.WriteString(typed, "still there\n")
	shows("echo: still there")
	io.WriteString(typed, "exit 3\n")
	if r := recv(t, done, waitLong, "the shell's end"); r.err != nil || r.code != 3 {
		t.Errorf("shell: %d, %v; want 3", r.code, r.err)
	}

	var buf bytes.Buffer
	if code, err := lc.Shell(ctx, []string{"sh"}, TermSize{Cols: 80, Rows: 24}, strings.NewReader("a\nb\n"), &buf, nil); err != nil || code != 0 || !strings.Contains(buf.String(), "echo: a\necho: b\n") {
		t.Errorf("shell with input that ends: %d, %v, %q; want 0 and both lines", code, err, buf.String())
	}
	stranger := tenant.Lease(provider.AddrInfo(), id, auction.NewKeySigner(testKey(t, 2)))
	if _, err := stranger.Shell(ctx, []string{"sh"}, TermSize{Cols: 80, Rows: 24}, strings.NewReader(""), io.Discard, nil); !errors.Is(err, ErrLeaseDenied) {
		t.Errorf("a stranger's shell: %v, want %v", err, ErrLeaseDenied)
	}
	for _, req := range []leaseRequest{
		{LeaseID: id, Op: OpShell, Command: []string{"sh"}},
		{LeaseID: id, Op: OpShell, Command: []string{"sh"}, Term: &TermSize{}},
		{LeaseID: id, Op: OpShell, Command: []string{"sh"}, Term: &TermSize{Cols: maxTermSide + 1, Rows: 24}},
		{LeaseID: id, Op: OpShell, Term: &TermSize{Cols: 80, Rows: 24}},
		{LeaseID: id, Op: OpExec, Command: []string{"sh"}, Term: &TermSize{Cols: 80, Rows: 24}},
	} {
		s, err := tenant.openStream(ctx, provider.ID(), ProtocolLease)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(s, req); err != nil {
			t.Fatal(err)
		}
		if msg, err := newFrameReader(s).next(maxReplyBytes); err == nil {
			t.Errorf("%+v: the provider answered %q, want the stream reset", req, msg)
		}
		s.Reset()
	}
}

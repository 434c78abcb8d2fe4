package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease/escrow"
	"github.com/tender-market/tender/pkg/lease/token"
)

// Backend is what the client needs from a chain: an ethclient.Client (any
// JSON-RPC endpoint) or a simulated backend's client.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
	ethereum.ChainIDReader
	ethereum.BlockNumberReader
	ethereum.TransactionReader
	BalanceAt(ctx context.Context, account common.Address, block *big.Int) (*big.Int, error)
}

var _ Backend = (*ethclient.Client)(nil)

// gasMarginDivisor sets the margin added to gas estimates: 1/4.
const gasMarginDivisor = 4

// payoutGas is the gas a token payment may need beyond an estimate: an
// estimate runs on the latest block, where a lease may have accrued
// nothing yet (no payment at all), and a first payment to an empty
// balance costs ~22k more than one to a funded account.
const payoutGas = 40_000

// Client drives one escrow deployment: it opens and moves leases, reads
// them and watches their events. Transactions are signed by the
// bind.TransactOpts each call takes (bind.NewKeyedTransactor makes one from a
// key); every call waits until its transaction is mined. A Client is safe
// for concurrent use, but one account's transactions should be sent one at
// a time: their nonces come from the pending state.
type Client struct {
	backend     Backend
	address     common.Address
	abi         *escrow.Escrow
	contract    *bind.BoundContract
	tokenABI    *token.TestToken
	token       *bind.BoundContract
	errs        errorDecoder
	domain      auction.Domain
	chainID     *big.Int
	startWindow uint64
	minDuration uint64
	maxDeposit  *big.Int
	log         *slog.Logger
	disconnect  func()
	nonces      nonces
}

// New returns a client of the escrow at address, reached through backend.
// It reads the deployment's constants and checks that the contract computes
// the EIP-712 domain package auction signs in. logger may be nil.
func New(ctx context.Context, backend Backend, address common.Address, logger *slog.Logger) (*Client, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		backend:    backend,
		address:    address,
		abi:        escrow.NewEscrow(),
		tokenABI:   token.NewTestToken(),
		log:        logger.With("escrow", address),
		disconnect: func() {},
	}
	c.contract = c.abi.Instance(backend, address)
	c.errs = errorDecoder{escrow: c.abi, token: c.tokenABI}

	chainID, err := backend.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("escrow client: chain ID: %w", err)
	}
	c.chainID = chainID
	if !chainID.IsUint64() {
		return nil, fmt.Errorf("escrow client: chain ID %s does not fit 64 bits", chainID)
	}
	c.domain = auction.NewDomain(chainID.Uint64(), address)

	opts := &bind.CallOpts{Context: ctx}
	tokenAddr, err := bind.Call(c.contract, opts, c.abi.PackToken(), c.abi.UnpackToken)
	if err != nil {
		return nil, fmt.Errorf("escrow client: read token of %s (is it an escrow?): %w", address.Hex(), err)
	}
	c.token = c.tokenABI.Instance(backend, tokenAddr)
	if c.startWindow, err = bind.Call(c.contract, opts, c.abi.PackStartWindow(), c.abi.UnpackStartWindow); err != nil {
		return nil, fmt.Errorf("escrow client: read start window: %w", err)
	}
	if c.minDuration, err = bind.Call(c.contract, opts, c.abi.PackMINDURATION(), c.abi.UnpackMINDURATION); err != nil {
		return nil, fmt.Errorf("escrow client: read minimum duration: %w", err)
	}
	if c.maxDeposit, err = bind.Call(c.contract, opts, c.abi.PackMAXDEPOSIT(), c.abi.UnpackMAXDEPOSIT); err != nil {
		return nil, fmt.Errorf("escrow client: read maximum deposit: %w", err)
	}
	sep, err := bind.Call(c.contract, opts, c.abi.PackDomainSeparator(), c.abi.UnpackDomainSeparator)
	if err != nil {
		return nil, fmt.Errorf("escrow client: read domain separator: %w", err)
	}
	if common.Hash(sep) != c.domain.Separator() {
		return nil, fmt.Errorf("escrow client: the contract's EIP-712 domain separator is %s, package auction computes %s",
			common.Hash(sep).Hex(), c.domain.Separator().Hex())
	}
	return c, nil
}

// RPC is a chain endpoint dialled by DialRPC: go-ethereum's client and,
// for an HTTP endpoint, its URL and the HTTP client that the watcher reads
// eth_getLogs answers through itself (getLogs).
type RPC struct {
	*ethclient.Client
	url  string
	http *http.Client
}

// DialRPC connects to the JSON-RPC endpoint at rawURL (http, ws or ipc).
// Over HTTP to a loopback address it asks for answers uncompressed: next
// to its node, a client reading logs in bulk would spend more time
// compressing and decompressing them than moving them.
func DialRPC(ctx context.Context, rawURL string) (*RPC, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		ec, err := ethclient.DialContext(ctx, rawURL)
		if err != nil {
			return nil, err
		}
		return &RPC{Client: ec}, nil
	}
	hc := new(http.Client) // as go-ethereum's
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DisableCompression = true
		hc = &http.Client{Transport: t}
	}
	rc, err := rpc.DialOptions(ctx, rawURL, rpc.WithHTTPClient(hc))
	if err != nil {
		return nil, err
	}
	return &RPC{Client: ethclient.NewClient(rc), url: rawURL, http: hc}, nil
}

// Dial connects to the JSON-RPC endpoint at url (http, ws or ipc) and
// returns a client of the escrow at address. Disconnect releases the
// connection.
func Dial(ctx context.Context, url string, address common.Address, logger *slog.Logger) (*Client, error) {
	ec, err := DialRPC(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("escrow client: dial %s: %w", url, err)
	}
	c, err := New(ctx, ec, address, logger)
	if err != nil {
		ec.Close()
		return nil, err
	}
	c.disconnect = ec.Close
	return c, nil
}

// Disconnect releases the connection Dial made (it does nothing for a client
// from New).
func (c *Client) Disconnect() { c.disconnect() }

// Address is the escrow's address.
func (c *Client) Address() common.Address { return c.address }

// Token is the address of the token leases are paid in.
func (c *Client) Token() common.Address { return c.token.Address() }

// Domain is the EIP-712 domain orders and bids for this escrow are signed in.
func (c *Client) Domain() auction.Domain { return c.domain }

// ChainID is the chain's ID.
func (c *Client) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

// BlockNumber is the chain's latest block number.
func (c *Client) BlockNumber(ctx context.Context) (uint64, error) {
	n, err := c.backend.BlockNumber(ctx)
	if err != nil {
		return 0, fmt.Errorf("read the latest block number: %w", err)
	}
	return n, nil
}

// StartWindow is how many seconds after opening a provider may start.
func (c *Client) StartWindow() uint64 { return c.startWindow }

// MinDuration is the shortest run (seconds) a deposit must pay for.
func (c *Client) MinDuration() uint64 { return c.minDuration }

// Explain turns an error of a call or transaction on the escrow that carries
// revert data (a JSON-RPC error) into one of this package's errors, with
// details; any other error comes back unchanged.
func (c *Client) Explain(err error) error { return c.errs.explain(err) }

// Lease is a lease as the escrow stores it.
type Lease struct {
	ID        common.Hash
	TermsHash common.Hash
	State     State
	// Deposit is everything the tenant paid in (deposit and top-ups).
	Deposit *big.Int
	// Paid is what the provider has been paid so far.
	Paid *big.Int
	// Since is when the lease was opened while it is open, and when it
	// started once it runs (unix seconds). It stays when the lease ends.
	Since uint64
	// Held: a replica of a verified order; its pay waits for its group
	// (Group, Settle). While reported, Paid is what it earned, held.
	Held bool
}

// Lease reads a lease; a lease that never existed has StateNone.
func (c *Client) Lease(ctx context.Context, id common.Hash) (Lease, error) {
	l, err := bind.Call(c.contract, &bind.CallOpts{Context: ctx}, c.abi.PackGetLease(id), c.abi.UnpackGetLease)
	if err != nil {
		return Lease{}, fmt.Errorf("read lease %s: %w", id.Hex(), err)
	}
	return Lease{
		ID:        id,
		TermsHash: l.TermsHash,
		State:     State(l.State),
		Deposit:   l.Deposit,
		Paid:      l.Paid,
		Since:     l.Since.Uint64(),
		Held:      l.Held,
	}, nil
}

// StartDeadline is the last second (unix) at which the provider of an open
// lease may start it; after it the tenant may reclaim the deposit.
func (c *Client) StartDeadline(l Lease) uint64 { return l.Since + c.startWindow }

// Accrued is what the provider of a running lease has earned so far, as the
// escrow computes it at the latest block, and whether the deposit ran out.
func (c *Client) Accrued(ctx context.Context, id common.Hash, t Terms) (*big.Int, bool, error) {
	out, err := bind.Call(c.contract, &bind.CallOpts{Context: ctx}, c.abi.PackAccrued(id, t.Args()), c.abi.UnpackAccrued)
	if err != nil {
		return nil, false, fmt.Errorf("accrued of lease %s: %w", id.Hex(), c.errs.explain(err))
	}
	return out.Earned, out.Overdrawn, nil
}

// Owed is what the escrow holds for account because the token refused to
// pay it; Claim collects it.
func (c *Client) Owed(ctx context.Context, account common.Address) (*big.Int, error) {
	v, err := bind.Call(c.contract, &bind.CallOpts{Context: ctx}, c.abi.PackOwed(account), c.abi.UnpackOwed)
	if err != nil {
		return nil, fmt.Errorf("owed to %s: %w", account.Hex(), err)
	}
	return v, nil
}

// TokenDecimals asks the payment token for its decimals.
func (c *Client) TokenDecimals(ctx context.Context) (uint8, error) {
	d, err := bind.Call(c.token, &bind.CallOpts{Context: ctx}, c.tokenABI.PackDecimals(), c.tokenABI.UnpackDecimals)
	if err != nil {
		return 0, fmt.Errorf("decimals of token %s: %w", c.token.Address().Hex(), err)
	}
	return d, nil
}

// TokenSymbol asks the payment token for its symbol.
func (c *Client) TokenSymbol(ctx context.Context) (string, error) {
	s, err := bind.Call(c.token, &bind.CallOpts{Context: ctx}, c.tokenABI.PackSymbol(), c.tokenABI.UnpackSymbol)
	if err != nil {
		return "", fmt.Errorf("symbol of token %s: %w", c.token.Address().Hex(), err)
	}
	return s, nil
}

// Balance is account's balance of the payment token.
func (c *Client) Balance(ctx context.Context, account common.Address) (*big.Int, error) {
	v, err := bind.Call(c.token, &bind.CallOpts{Context: ctx}, c.tokenABI.PackBalanceOf(account), c.tokenABI.UnpackBalanceOf)
	if err != nil {
		return nil, fmt.Errorf("token balance of %s: %w", account.Hex(), err)
	}
	return v, nil
}

// GasBalance is account's balance of the chain's native coin (ETH), which
// pays for gas.
func (c *Client) GasBalance(ctx context.Context, account common.Address) (*big.Int, error) {
	v, err := c.backend.BalanceAt(ctx, account, nil)
	if err != nil {
		return nil, fmt.Errorf("ETH balance of %s: %w", account.Hex(), err)
	}
	return v, nil
}

// Open opens a lease as the order's tenant (auth.From) from the provider's
// signed bid, with deposit pulled from the tenant. It checks what it can
// before sending (who signed the bid, prices, expiry, the deposit, the bid
// not used, the tenant's balance) and, when the escrow's allowance is lower
// than deposit, sets it to exactly deposit first. It returns the lease ID (the bid's hash) and the
// openLease receipt.
func (c *Client) Open(ctx context.Context, auth *bind.TransactOpts, order *auction.Order, bid *auction.SignedBid, deposit *big.Int) (common.Hash, *Receipt, error) {
	id := c.domain.BidHash(&bid.Bid)
	if err := c.checkOpen(ctx, auth.From, order, bid, deposit, id); err != nil {
		return common.Hash{}, nil, fmt.Errorf("open lease: %w", err)
	}
	if err := c.approve(ctx, auth, deposit); err != nil {
		return common.Hash{}, nil, fmt.Errorf("open lease: %w", err)
	}
	data := c.abi.PackOpenLease(OrderArgs(order), BidArgs(&bid.Bid), bid.Signature[:], deposit)
	r, err := c.send(ctx, auth, c.contract, data, 0)
	if err != nil {
		return common.Hash{}, r, fmt.Errorf("open lease %s: %w", id.Hex(), err)
	}
	c.log.Info("lease opened", "lease", id, "tenant", order.Tenant, "provider", bid.Bid.Provider, "deposit", deposit, "gas", r.GasUsed)
	return id, r, nil
}

func (c *Client) checkOpen(ctx context.Context, from common.Address, order *auction.Order, bid *auction.SignedBid, deposit *big.Int, id common.Hash) error {
	b := &bid.Bid
	if from != order.Tenant {
		return fmt.Errorf("%w: sender %s is not the order's tenant %s", ErrNotAllowed, from.Hex(), order.Tenant.Hex())
	}
	signer, err := auction.Recover(id, bid.Signature)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if signer != b.Provider {
		return fmt.Errorf("%w: bid signed by %s, lease names %s", ErrBadSignature, signer.Hex(), b.Provider.Hex())
	}
	return c.checkTerms(ctx, order, b, deposit, id)
}

// checkTerms checks what every open checks, whoever sends it: the bid
// names the order, its price, the order's duration, the deposit, expiries
// by the next block's time, the lease not opened yet, and the tenant's
// balance.
func (c *Client) checkTerms(ctx context.Context, order *auction.Order, b *auction.Bid, deposit *big.Int, id common.Hash) error {
	if oh := c.domain.OrderHash(order); b.OrderHash != oh {
		return fmt.Errorf("%w: it names %s, the order is %s", ErrWrongOrder, b.OrderHash.Hex(), oh.Hex())
	}
	if order.MaxPricePerHour == nil || b.PricePerHour == nil || b.PricePerHour.Sign() < 0 {
		return fmt.Errorf("%w: order or bid lacks a price", ErrPriceAboveMax)
	}
	if b.PricePerHour.Cmp(order.MaxPricePerHour) > 0 {
		return fmt.Errorf("%w: %s per hour, the order allows %s", ErrPriceAboveMax, b.PricePerHour, order.MaxPricePerHour)
	}
	if order.MaxDuration == 0 {
		return ErrZeroMaxDuration
	}
	if deposit == nil || deposit.Sign() <= 0 {
		return fmt.Errorf("%w: deposit %s", ErrDepositTooSmall, amountText(deposit))
	}
	if m := NewTerms(order, b).MinimumDeposit(c.minDuration); deposit.Cmp(m) < 0 {
		return fmt.Errorf("%w: deposit %s, need at least %s (%d seconds at %s per hour)",
			ErrDepositTooSmall, deposit, m, min(order.MaxDuration, c.minDuration), b.PricePerHour)
	}
	if deposit.Cmp(c.maxDeposit) > 0 {
		return fmt.Errorf("%w: deposit %s, at most %s", ErrDepositTooLarge, deposit, c.maxDeposit)
	}
	now, err := c.NextBlockTime(ctx)
	if err != nil {
		return err
	}
	if now >= order.Expiry {
		return fmt.Errorf("%w at unix %d (the next block is stamped %d or later)", ErrOrderExpired, order.Expiry, now)
	}
	if now >= b.Expiry {
		return fmt.Errorf("%w at unix %d (the next block is stamped %d or later)", ErrBidExpired, b.Expiry, now)
	}
	l, err := c.Lease(ctx, id)
	if err != nil {
		return err
	}
	if l.State != StateNone {
		return fmt.Errorf("%w: lease %s is %s", ErrLeaseExists, id.Hex(), l.State)
	}
	bal, err := c.Balance(ctx, order.Tenant)
	if err != nil {
		return err
	}
	if bal.Cmp(deposit) < 0 {
		return fmt.Errorf("%w: %s holds %s, the deposit is %s", ErrBalanceTooLow, order.Tenant.Hex(), bal, deposit)
	}
	return nil
}

// approve lets the escrow take amount from auth.From, unless it already may.
func (c *Client) approve(ctx context.Context, auth *bind.TransactOpts, amount *big.Int) error {
	allowed, err := c.allowance(ctx, auth.From)
	if err != nil {
		return err
	}
	if allowed.Cmp(amount) >= 0 {
		return nil
	}
	if _, err := c.send(ctx, auth, c.token, c.tokenABI.PackApprove(c.address, amount), 0); err != nil {
		return fmt.Errorf("approve %s for the escrow: %w", amount, err)
	}
	return nil
}

// Start starts an open lease as its provider: billing runs from the block
// that includes it. Only before the start deadline.
func (c *Client) Start(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t Terms) (*Receipt, error) {
	l, err := c.check(ctx, auth.From, id, t, ActionStart)
	if err != nil {
		return nil, fmt.Errorf("start lease %s: %w", id.Hex(), err)
	}
	now, err := c.NextBlockTime(ctx)
	if err != nil {
		return nil, fmt.Errorf("start lease %s: %w", id.Hex(), err)
	}
	if d := c.StartDeadline(l); now > d {
		return nil, fmt.Errorf("start lease %s: %w at unix %d (the next block is stamped %d or later)", id.Hex(), ErrStartDeadlinePassed, d, now)
	}
	return c.transact(ctx, auth, "start lease", id, c.abi.PackStart(id, t.Args()), 0)
}

// Withdraw pays the provider (auth.From) what its running lease has earned
// since the last withdrawal.
func (c *Client) Withdraw(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t Terms) (*Receipt, error) {
	if _, err := c.check(ctx, auth.From, id, t, ActionWithdraw); err != nil {
		return nil, fmt.Errorf("withdraw from lease %s: %w", id.Hex(), err)
	}
	return c.transact(ctx, auth, "withdraw from lease", id, c.abi.PackWithdraw(id, t.Args()), 1)
}

// TopUp adds amount to the deposit of an open or running lease, as its
// tenant, before the deposit runs out (then ErrDepositExhausted); it
// approves the escrow for amount when the allowance is lower.
func (c *Client) TopUp(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t Terms, amount *big.Int) (*Receipt, error) {
	l, err := c.check(ctx, auth.From, id, t, ActionTopUp)
	if err != nil {
		return nil, fmt.Errorf("top up lease %s: %w", id.Hex(), err)
	}
	if l.State == StateRunning {
		if _, spent, err := c.Accrued(ctx, id, t); err != nil {
			return nil, fmt.Errorf("top up lease %s: %w", id.Hex(), err)
		} else if spent {
			return nil, fmt.Errorf("top up lease %s: %w", id.Hex(), ErrDepositExhausted)
		}
	}
	if amount == nil || amount.Sign() <= 0 {
		return nil, fmt.Errorf("top up lease %s: %w", id.Hex(), ErrZeroAmount)
	}
	bal, err := c.Balance(ctx, auth.From)
	if err != nil {
		return nil, fmt.Errorf("top up lease %s: %w", id.Hex(), err)
	}
	if bal.Cmp(amount) < 0 {
		return nil, fmt.Errorf("top up lease %s: %w: %s holds %s, the top-up is %s", id.Hex(), ErrBalanceTooLow, auth.From.Hex(), bal, amount)
	}
	if err := c.approve(ctx, auth, amount); err != nil {
		return nil, fmt.Errorf("top up lease %s: %w", id.Hex(), err)
	}
	return c.transact(ctx, auth, "top up lease", id, c.abi.PackTopUp(id, t.Args(), amount), 0)
}

// Close ends an open or running lease as its provider (the job exited with
// exitCode; resultHash is the hash of the result archive) or its tenant (to
// cancel). The provider is paid what accrued up to the block that closes
// it, the tenant refunded the rest.
func (c *Client) Close(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t Terms, exitCode ExitCode, resultHash common.Hash) (*Receipt, error) {
	return c.CloseEnded(ctx, auth, id, t, exitCode, resultHash, time.Time{})
}

// CloseEnded is Close by a provider that says when the job ended: pay
// accrues up to endedAt (rounded up to the second), not to the block that
// closes the lease, so the time the close takes to land is not billed. The
// escrow caps endedAt by that block's time and the lease's start; a zero
// endedAt, or a tenant's, means now.
func (c *Client) CloseEnded(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t Terms, exitCode ExitCode, resultHash common.Hash, endedAt time.Time) (*Receipt, error) {
	if _, err := c.check(ctx, auth.From, id, t, ActionClose); err != nil {
		return nil, fmt.Errorf("close lease %s: %w", id.Hex(), err)
	}
	ended := uint64(math.MaxUint64)
	if !endedAt.IsZero() {
		ended = uint64(max(endedAt.Add(time.Second-1).Unix(), 0))
	}
	return c.transact(ctx, auth, "close lease", id, c.abi.PackClose(id, t.Args(), int32(exitCode), resultHash, ended), 2)
}

// CloseOverdrawn closes a running lease whose deposit has run out; anyone
// may. The provider gets the rest of the deposit.
func (c *Client) CloseOverdrawn(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t Terms) (*Receipt, error) {
	if _, err := c.check(ctx, auth.From, id, t, ActionCloseOverdrawn); err != nil {
		return nil, fmt.Errorf("close overdrawn lease %s: %w", id.Hex(), err)
	}
	return c.transact(ctx, auth, "close overdrawn lease", id, c.abi.PackCloseOverdrawn(id, t.Args()), 1)
}

// Reclaim takes the whole deposit of an open lease back, as its tenant, once
// the provider's start deadline has passed.
func (c *Client) Reclaim(ctx context.Context, auth *bind.TransactOpts, id common.Hash, t Terms) (*Receipt, error) {
	l, err := c.check(ctx, auth.From, id, t, ActionReclaim)
	if err != nil {
		return nil, fmt.Errorf("reclaim lease %s: %w", id.Hex(), err)
	}
	now, err := c.NextBlockTime(ctx)
	if err != nil {
		return nil, fmt.Errorf("reclaim lease %s: %w", id.Hex(), err)
	}
	if d := c.StartDeadline(l); now <= d {
		return nil, fmt.Errorf("reclaim lease %s: %w: the provider may start until unix %d (the next block is stamped %d or later)", id.Hex(), ErrStartDeadlineNotPassed, d, now)
	}
	// A fixed gas limit, not an estimate: the estimate runs on the latest
	// block, which on an idle chain is stamped before the deadline and
	// would say the provider may still start. Only gas used is paid.
	opts := *auth
	if opts.GasLimit == 0 {
		opts.GasLimit = reclaimGasLimit
	}
	return c.transact(ctx, &opts, "reclaim lease", id, c.abi.PackReclaim(id, t.Args()), 1)
}

// reclaimGasLimit is what a reclaim may use: about 49,000 gas with a
// plain token (contracts/gas-snapshot.txt), room for a token whose
// transfer costs more.
const reclaimGasLimit = 150_000

// Claim sends what the escrow holds for auth.From (payments the token
// refused) to `to`.
func (c *Client) Claim(ctx context.Context, auth *bind.TransactOpts, to common.Address) (*Receipt, error) {
	r, err := c.send(ctx, auth, c.contract, c.abi.PackClaim(to), 1)
	if err != nil {
		return r, fmt.Errorf("claim for %s: %w", auth.From.Hex(), err)
	}
	return r, nil
}

// check reads the lease and tells whether from may take action on it now,
// state-wise: the lease exists, t are its terms, its state allows the action
// and from's role may take it.
func (c *Client) check(ctx context.Context, from common.Address, id common.Hash, t Terms, a Action) (Lease, error) {
	l, err := c.Lease(ctx, id)
	if err != nil {
		return Lease{}, err
	}
	if l.State == StateNone {
		return l, ErrUnknownLease
	}
	if l.TermsHash != t.Hash() {
		return l, ErrTermsMismatch
	}
	if l.Held && (a == ActionWithdraw || a == ActionCloseOverdrawn) {
		return l, ErrHeld
	}
	var roles []Role
	if from == t.Tenant {
		roles = append(roles, RoleTenant)
	}
	if from == t.Provider {
		roles = append(roles, RoleProvider)
	}
	return l, Check(l.State, a, roles...)
}

func (c *Client) transact(ctx context.Context, auth *bind.TransactOpts, what string, id common.Hash, data []byte, payouts uint64) (*Receipt, error) {
	r, err := c.send(ctx, auth, c.contract, data, payouts)
	if err != nil {
		return r, fmt.Errorf("%s %s: %w", what, id.Hex(), err)
	}
	c.log.Info(what, "lease", id, "from", auth.From, "gas", r.GasUsed)
	return r, nil
}

// send signs and sends data to contract, waits until it is mined and turns a
// revert into an error a user can act on. payouts is how many token
// payments the call may make (each gets payoutGas beyond the estimate).
func (c *Client) send(ctx context.Context, auth *bind.TransactOpts, contract *bind.BoundContract, data []byte, payouts uint64) (*Receipt, error) {
	opts := *auth
	opts.Context = ctx
	if opts.GasLimit == 0 {
		to := contract.Address()
		est, err := c.backend.EstimateGas(ctx, ethereum.CallMsg{From: opts.From, To: &to, Value: opts.Value, Data: data})
		if err != nil {
			return nil, noGasFunds(c.errs.explain(err), opts.From)
		}
		// The estimate ran on the latest block; the transaction runs in a
		// later one, where timestamps and balances differ and so may the
		// gas (an SSTORE's cost depends on the value it replaces). Only
		// gas used is paid for.
		opts.GasLimit = est + est/gasMarginDivisor + payouts*payoutGas
	}
	tx, done, err := c.nonces.transact(ctx, c.backend, contract, &opts, data)
	if err != nil {
		return nil, noGasFunds(c.errs.explain(err), opts.From)
	}
	defer done()
	r, err := bind.WaitMined(ctx, c.backend, tx.Hash())
	if err != nil {
		return nil, fmt.Errorf("wait for transaction %s: %w", tx.Hash().Hex(), err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return &Receipt{Receipt: r}, c.whyReverted(ctx, opts.From, contract.Address(), data, tx, r)
	}
	return &Receipt{Receipt: r, Events: c.Events(r)}, nil
}

// whyReverted replays a transaction that was mined but reverted on the state
// and timestamp of its block, to recover the reason. A reverted transaction
// changed nothing, so that state is the one it saw, unless later
// transactions of the same block changed it: this is best effort.
func (c *Client) whyReverted(ctx context.Context, from, to common.Address, data []byte, tx *types.Transaction, r *types.Receipt) error {
	msg := ethereum.CallMsg{From: from, To: &to, Data: data, Gas: tx.Gas()}
	_, err := c.backend.CallContract(ctx, msg, r.BlockNumber)
	if err != nil {
		if e := c.errs.explain(err); !errors.Is(e, err) {
			return fmt.Errorf("transaction %s reverted: %w", tx.Hash().Hex(), e)
		}
	}
	return fmt.Errorf("%w: transaction %s (gas used %d of %d)", ErrReverted, tx.Hash().Hex(), r.GasUsed, tx.Gas())
}

// LeadAllowance is how far (seconds) the chain's clock may run ahead of
// this machine's before expiries set by this clock move with it: clocks
// skew, and blocks are stamped a little ahead.
const LeadAllowance = 30

// ChainLead is how far the chain's clock runs ahead of now, in seconds,
// judged by next, the next block's earliest stamp (NextBlockTime): 0
// within LeadAllowance.
func ChainLead(next uint64, now time.Time) uint64 {
	wall := uint64(max(now.Unix(), 0)) + 1 // the next block's earliest by this clock
	if next <= wall+LeadAllowance {
		return 0
	}
	return next - wall
}

// NextBlockTime is the earliest timestamp the next block, the one a
// transaction sent now lands in, may carry on a chain that follows the wall
// clock: the latest block's plus a second, or this machine's clock if that
// is later. An idle chain's head is old, and its next block is stamped
// near the wall clock; a chain whose time jumped ahead stamps the next
// block after its head. Pre-checks judge deadlines by it; a machine clock
// ahead of the chain's by more than a block may let through a transaction
// the contract then refuses, and the error says why.
func (c *Client) NextBlockTime(ctx context.Context) (uint64, error) {
	h, err := c.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("read chain head: %w", err)
	}
	return max(h.Time+1, uint64(max(time.Now().Unix(), 0))), nil
}

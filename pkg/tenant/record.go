package tenant

import (
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"path/filepath"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/tender-market/tender/internal/statefile"
	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/lease"
)

// LeaseRecord is what a tenant keeps about one of its leases so later
// commands (status, logs, results, cancel, top-up, reclaim) can reach it:
// the order, the winning bid (the lease's terms) and where its provider
// listens. Submit saves it before the lease is opened on chain.
type LeaseRecord struct {
	LeaseID   common.Hash       `json:"leaseId"`
	OrderHash common.Hash       `json:"orderHash"`
	Order     auction.Order     `json:"order"`
	Bid       auction.SignedBid `json:"bid"`
	// ProviderPeer is the provider's libp2p peer ID; ProviderAddrs its
	// multiaddrs ending in /p2p/<ProviderPeer>.
	ProviderPeer  string   `json:"providerPeer"`
	ProviderAddrs []string `json:"providerAddrs,omitempty"`
	// Deposit is what the tenant meant to deposit when opening.
	Deposit *big.Int `json:"deposit"`
	// OpenedBlock is the block of LeaseOpened; zero until the lease opened.
	OpenedBlock uint64    `json:"openedBlock,omitempty"`
	Created     time.Time `json:"created"`
}

// Terms are the lease's terms.
func (r *LeaseRecord) Terms() lease.Terms { return lease.NewTerms(&r.Order, &r.Bid.Bid) }

// lease is the lease the record describes.
func (r *LeaseRecord) lease() (*Lease, error) {
	l := &Lease{ID: r.LeaseID, Terms: r.Terms(), OpenedBlock: r.OpenedBlock, Record: r}
	var err error
	if l.Provider.ID, err = peer.Decode(r.ProviderPeer); err != nil {
		return nil, fmt.Errorf("lease record %s: provider peer: %w", r.LeaseID.Hex(), err)
	}
	for _, s := range r.ProviderAddrs {
		ai, err := peer.AddrInfoFromString(s)
		if err != nil || ai.ID != l.Provider.ID {
			continue // a stale or foreign address is no reason to fail
		}
		l.Provider.Addrs = append(l.Provider.Addrs, ai.Addrs...)
	}
	return l, nil
}

// LeaseDir keeps one record per lease as <dir>/<lease ID>.json, each
// written atomically.
type LeaseDir struct{ dir string }

// NewLeaseDir keeps records in dir.
func NewLeaseDir(dir string) *LeaseDir { return &LeaseDir{dir: dir} }

func (d *LeaseDir) path(id common.Hash) string { return filepath.Join(d.dir, id.Hex()+".json") }

// save is Save, doing nothing without a directory.
func (d *LeaseDir) save(r *LeaseRecord) error {
	if d == nil {
		return nil
	}
	return d.Save(r)
}

// Save writes r.
func (d *LeaseDir) Save(r *LeaseRecord) error {
	if r.LeaseID == (common.Hash{}) {
		return errors.New("lease record without a lease ID")
	}
	return statefile.Write(d.path(r.LeaseID), r)
}

// ErrNoRecord says this machine keeps no record of a lease.
var ErrNoRecord = errors.New("no local record of the lease")

// Load reads the record of lease id; it wraps ErrNoRecord when there is
// none (or no directory).
func (d *LeaseDir) Load(id common.Hash) (*LeaseRecord, error) {
	if d == nil {
		return nil, ErrNoRecord
	}
	var r LeaseRecord
	err := statefile.Read(d.path(id), &r)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %s in %s", ErrNoRecord, id.Hex(), d.dir)
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// List reads every record, oldest first.
func (d *LeaseDir) List() ([]*LeaseRecord, error) {
	paths, err := statefile.List(d.dir, ".json")
	if err != nil {
		return nil, err
	}
	out := make([]*LeaseRecord, 0, len(paths))
	for _, p := range paths {
		var r LeaseRecord
		if err := statefile.Read(p, &r); err != nil {
			return out, err
		}
		out = append(out, &r)
	}
	slices.SortStableFunc(out, func(a, b *LeaseRecord) int { return a.Created.Compare(b.Created) })
	return out, nil
}

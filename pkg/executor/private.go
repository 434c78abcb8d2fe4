package executor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/tender-market/tender/internal/statefile"
)

// privateImagesFile, in Config.WorkDir, lists the images this machine has
// from a lease's registry login.
const privateImagesFile = "private-images"

// PrivateImages are the images a provider has because a lease pulled them
// with a registry login, named as their owner names them: the Docker
// executor by image ID, a cluster by repository. Another lease uses one
// only once it has pulled it itself: a tenant cannot run another's
// private image by naming it. The list is kept in a file, one name a
// line, across restarts; the Docker executor forgets, at its Cleanup, the
// images the machine no longer has.
type PrivateImages struct {
	path  string
	mu    sync.Mutex
	names map[string]bool
}

// LoadPrivateImages reads the list kept at path; none there is an empty
// one.
func LoadPrivateImages(path string) (*PrivateImages, error) {
	p := &PrivateImages{path: path, names: map[string]bool{}}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("images pulled with a login: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name := strings.TrimSpace(sc.Text()); name != "" {
			p.names[name] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("images pulled with a login: %s: %w", path, err)
	}
	return p, nil
}

// None reports whether no image is recorded.
func (p *PrivateImages) None() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.names) == 0
}

// Has reports whether name is recorded.
func (p *PrivateImages) Has(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.names[name]
}

// Add records name, on disk before it returns.
func (p *PrivateImages) Add(name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.names[name] {
		return nil
	}
	f, err := os.OpenFile(p.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("record an image pulled with a login: %w", err)
	}
	_, err = f.WriteString(name + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("record an image pulled with a login: %w", err)
	}
	p.names[name] = true
	return nil
}

// Names are the names recorded.
func (p *PrivateImages) Names() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Sorted(maps.Keys(p.names))
}

// Drop forgets names, rewriting the file whole (atomically: a crash
// leaves the old list or the new one).
func (p *PrivateImages) Drop(names ...string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !slices.ContainsFunc(names, func(n string) bool { return p.names[n] }) {
		return nil
	}
	kept := maps.Clone(p.names)
	for _, n := range names {
		delete(kept, n)
	}
	var b strings.Builder
	for _, n := range slices.Sorted(maps.Keys(kept)) {
		b.WriteString(n + "\n")
	}
	if err := statefile.WriteBytes(p.path, []byte(b.String())); err != nil {
		return fmt.Errorf("forget images pulled with a login: %w", err)
	}
	p.names = kept
	return nil
}

// prunePrivate forgets the images recorded as pulled with a login that
// this machine no longer has: a lease that names one pulls it anew, so
// nothing of another's is left to guard.
func (e *Executor) prunePrivate(ctx context.Context) error {
	var gone []string
	for _, id := range e.private.Names() {
		have, err := e.imageID(ctx, id)
		if err != nil {
			return err
		}
		if have == "" {
			gone = append(gone, id)
		}
	}
	return e.private.Drop(gone...)
}

// imageID is the ID of the image ref names on this machine; "" when it
// has none.
func (e *Executor) imageID(ctx context.Context, ref string) (string, error) {
	res, err := e.engine.ImageInspect(ctx, ref)
	if cerrdefs.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return res.ID, nil
}

// checkImageAccess has a job's registry check that the job may have its
// image, though this machine has it, where the job must show that it may:
// it gives a registry login (the registry then checks that login), or the
// machine has the image from another lease's login. The engine asks the
// registry for the image's manifest with the job's login or none (a pull
// would not: the engine pulls nothing for an image pinned by a digest it
// has), waiting at most Config.PullStallTimeout. Without pulls
// (Config.PullImages), a job that would need the check is refused. A missing image is left to the create, which pulls it
// (Executor.imageMissing).
func (e *Executor) checkImageAccess(ctx context.Context, job Job) error {
	if job.RegistryAuth == nil && e.private.None() {
		return nil // nothing to check: no engine call on a lease's way
	}
	id, err := e.imageID(ctx, job.Image)
	if err != nil || id == "" {
		return err
	}
	private := e.private.Has(id)
	switch {
	case job.RegistryAuth == nil && !private:
		return nil
	case !e.cfg.PullImages:
		if private {
			return fmt.Errorf("image %s is %w; pulling is turned off", job.Image, ErrImageLogin)
		}
		return nil
	}
	var opts client.DistributionInspectOptions
	if job.RegistryAuth != nil {
		if opts.EncodedRegistryAuth, err = encodeAuth(job.Image, *job.RegistryAuth); err != nil {
			return err
		}
	}
	// A registry that never answers holds the lease no longer than a
	// stalled pull would.
	ictx, cancel := context.WithTimeout(ctx, e.cfg.PullStallTimeout)
	defer cancel()
	if _, err := e.engine.DistributionInspect(ictx, job.Image, opts); err != nil {
		return fmt.Errorf("image %s is %w, and its registry did not let this lease read it: %w", job.Image, ErrImageLogin, e.pullError(ctx, ctx, job, opts.EncodedRegistryAuth, err))
	}
	return nil
}

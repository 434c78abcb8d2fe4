package executor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
)

// RegistryAuth are the credentials a job's image is pulled with from its
// registry (Job.RegistryAuth): a user name and a password or access token,
// sent to the engine as basic credentials for the image's registry host.
type RegistryAuth struct {
	Username string
	Password string
}

// Validate checks the credentials without ever quoting them.
func (a RegistryAuth) Validate() error {
	switch {
	case a.Username == "" || a.Password == "":
		return errors.New("registry credentials need both a user name and a password")
	case strings.ContainsFunc(a.Username, unicode.IsControl):
		return errors.New("registry user name has a control character")
	case strings.ContainsFunc(a.Password, unicode.IsControl):
		return errors.New("registry password has a control character")
	}
	return nil
}

// PullProgress is how a pull goes (Job.OnPull), over the layers the engine
// has named so far: more may appear while the pull goes on.
type PullProgress struct {
	// Image is the job's image reference.
	Image string
	// Current and Total are the bytes downloaded so far and to download,
	// over the layers whose size the engine has told; a layer that is
	// already on this machine counts for nothing.
	Current, Total int64
	// Layers is how many layers the engine has named; Done, how many of
	// them are complete (pulled and extracted, or already on this machine).
	Layers, Done int
}

// pullReportEvery is how often, at most, Job.OnPull is called during a pull.
const pullReportEvery = 500 * time.Millisecond

// errPullStalled is the cause a pull's context is canceled with when no
// progress came for Config.PullStallTimeout.
var errPullStalled = errors.New("pull stalled")

// imageMissing handles a create that failed because the image is not here:
// it pulls the image when Config.PullImages allows, and otherwise says how to
// provide it.
func (e *Executor) imageMissing(ctx context.Context, job Job, createErr error) error {
	image := job.Image
	if !e.cfg.PullImages {
		return fmt.Errorf("image %s is %w: build it (docker build -t %s DIR) or load it (docker load -i FILE) first; pulling from a registry is turned off (%v)",
			image, ErrImageMissing, image, createErr)
	}
	if err := e.pull(ctx, job); err != nil {
		return fmt.Errorf("image %s is %w and pulling it failed: %w", image, ErrImageMissing, err)
	}
	return nil
}

// pull fetches the job's image from its registry, with the job's
// credentials, logging progress per layer and telling it to Job.OnPull. A
// pull that gets no progress for Config.PullStallTimeout is aborted.
func (e *Executor) pull(ctx context.Context, job Job) error {
	image := job.Image
	log := e.cfg.Logger.With(slog.String("image", image))
	var opts client.ImagePullOptions
	if job.RegistryAuth != nil {
		encoded, err := encodeAuth(image, *job.RegistryAuth)
		if err != nil {
			return err
		}
		opts.RegistryAuth = encoded
	}
	log.LogAttrs(ctx, slog.LevelInfo, "pulling image", slog.Bool("credentials", job.RegistryAuth != nil))

	// The engine sends a message at each step of each layer, and several
	// a second while one downloads or extracts: a pull silent for the
	// stall timeout is stuck. Canceling its context hangs up on the
	// engine, which then stops the pull.
	stall := e.cfg.PullStallTimeout
	pullCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(stall, func() { cancel(errPullStalled) })
	defer watchdog.Stop()

	resp, err := e.engine.ImagePull(pullCtx, image, opts)
	if err != nil {
		return e.pullError(ctx, pullCtx, job, opts.RegistryAuth, err)
	}
	defer resp.Close()
	progress := newPullTracker(image)
	var lastReport time.Time
	status := make(map[string]string) // layer ID -> last status logged
	for msg, err := range resp.JSONMessages(pullCtx) {
		if err != nil {
			return e.pullError(ctx, pullCtx, job, opts.RegistryAuth, err)
		}
		watchdog.Reset(stall)
		if msg.Error != nil {
			return e.pullError(ctx, pullCtx, job, opts.RegistryAuth, msg.Error)
		}
		if progress.update(msg) && job.OnPull != nil && time.Since(lastReport) >= pullReportEvery {
			job.OnPull(progress.snapshot())
			lastReport = time.Now()
		}
		if msg.Status == "" || status[msg.ID] == msg.Status {
			continue
		}
		status[msg.ID] = msg.Status
		attrs := []slog.Attr{slog.String("layer", msg.ID), slog.String("status", msg.Status)}
		if msg.Progress != nil && msg.Progress.Total > 0 {
			attrs = append(attrs, slog.Int64("bytes", msg.Progress.Current), slog.Int64("total", msg.Progress.Total))
		}
		log.LogAttrs(ctx, slog.LevelDebug, "pull progress", attrs...)
	}
	if err := context.Cause(pullCtx); err != nil {
		// The stream ended as the pull was aborted.
		return e.pullError(ctx, pullCtx, job, opts.RegistryAuth, err)
	}
	final := progress.snapshot()
	if job.RegistryAuth != nil {
		id, err := e.imageID(ctx, image)
		if err == nil && id != "" {
			err = e.private.Add(id)
		}
		if err != nil {
			// Unrecorded, another lease could run it without the login.
			return err
		}
	}
	if job.OnPull != nil {
		job.OnPull(final)
	}
	log.LogAttrs(ctx, slog.LevelInfo, "pulled image", slog.Int("layers", final.Layers), slog.Int64("bytes", final.Total))
	return nil
}

// pullError explains why a pull failed: it stalled, the registry refused
// the credentials, or has no image with the pinned digest. It never holds
// the job's credentials, even where the engine's error quoted them.
func (e *Executor) pullError(ctx, pullCtx context.Context, job Job, encodedAuth string, err error) error {
	if errors.Is(context.Cause(pullCtx), errPullStalled) && ctx.Err() == nil {
		return fmt.Errorf("%w: no progress from the engine for %v, so it was aborted (a registry that stopped sending, or a connection that hangs)",
			errPullStalled, e.cfg.PullStallTimeout)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if job.RegistryAuth != nil {
		err = redact(err, job.RegistryAuth.Password, encodedAuth)
	}
	msg := strings.ToLower(err.Error())
	switch {
	case cerrdefs.IsUnauthorized(err) || cerrdefs.IsPermissionDenied(err) ||
		strings.Contains(msg, "unauthorized") || strings.Contains(msg, "no basic auth credentials") ||
		strings.Contains(msg, "authentication required") || strings.Contains(msg, "denied"):
		hint := "a private image needs the job's registry credentials"
		if job.RegistryAuth != nil {
			hint = "check the job's registry credentials"
		}
		return fmt.Errorf("the registry refused the pull (unauthorized; %s): %w", hint, err)
	case isDigested(job.Image) && (cerrdefs.IsNotFound(err) || strings.Contains(msg, "not found") ||
		strings.Contains(msg, "manifest unknown") || strings.Contains(msg, "manifest verification failed")):
		_, digest, _ := strings.Cut(job.Image, "@")
		return fmt.Errorf("%w: %s: %w", ErrDigestMismatch, digest, err)
	}
	return err
}

// redact takes secrets out of an error's message. An error that quoted one
// is replaced, unwrapped, by one with the same words less the secrets.
func redact(err error, secrets ...string) error {
	msg := err.Error()
	clean := msg
	for _, s := range secrets {
		if s != "" {
			clean = strings.ReplaceAll(clean, s, "[redacted]")
		}
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}

// isDigested reports whether image is pinned by digest.
func isDigested(image string) bool { return digestRefPattern.MatchString(image) }

// RegistryHost is the registry image is pulled from: "docker.io" for a
// name without one, as the engine takes it.
func RegistryHost(image string) (string, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", fmt.Errorf("image %q: %w", image, err)
	}
	return reference.Domain(named), nil
}

// Repository is image's repository, its registry host and path without
// tag or digest ("docker.io/library/busybox" for "busybox:1.36").
func Repository(image string) (string, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", fmt.Errorf("image %q: %w", image, err)
	}
	return reference.TrimNamed(named).String(), nil
}

// encodeAuth is the engine's X-Registry-Auth value for auth on image's
// registry host.
func encodeAuth(image string, auth RegistryAuth) (string, error) {
	host, err := RegistryHost(image)
	if err != nil {
		return "", err
	}
	encoded, err := authconfig.Encode(registry.AuthConfig{
		Username:      auth.Username,
		Password:      auth.Password,
		ServerAddress: host,
	})
	if err != nil {
		return "", errors.New("encode the registry credentials")
	}
	return encoded, nil
}

// layerStates are the statuses the engine gives a layer while it pulls it.
var layerStates = map[string]bool{
	"Pulling fs layer": true, "Waiting": true, "Downloading": true,
	"Verifying Checksum": true, "Download complete": true, "Extracting": true,
	"Pull complete": true, "Already exists": true,
}

// pullTracker adds up the engine's progress messages, one layer at a time.
type pullTracker struct {
	image  string
	layers map[string]*layerProgress
}

type layerProgress struct {
	current, total int64
	done           bool
}

func newPullTracker(image string) *pullTracker {
	return &pullTracker{image: image, layers: make(map[string]*layerProgress)}
}

// update takes in one message and reports whether it was about a layer.
func (p *pullTracker) update(msg jsonstream.Message) bool {
	if msg.ID == "" || !(layerStates[msg.Status] || strings.HasPrefix(msg.Status, "Retrying")) {
		return false
	}
	l := p.layers[msg.ID]
	if l == nil {
		l = &layerProgress{}
		p.layers[msg.ID] = l
	}
	var current, total int64
	if msg.Progress != nil {
		current, total = msg.Progress.Current, msg.Progress.Total
	}
	switch msg.Status {
	case "Downloading":
		if total > 0 {
			l.current, l.total = min(current, total), total
		}
	case "Extracting":
		// Extraction reads the downloaded blob, of the same size.
		if l.total == 0 && total > 0 {
			l.total = total
		}
		l.current = l.total
	case "Verifying Checksum", "Download complete":
		l.current = l.total
	case "Pull complete":
		l.current, l.done = l.total, true
	case "Already exists":
		l.current, l.total, l.done = 0, 0, true
	}
	return true
}

func (p *pullTracker) snapshot() PullProgress {
	s := PullProgress{Image: p.image, Layers: len(p.layers)}
	for _, l := range p.layers {
		s.Current += l.current
		s.Total += l.total
		if l.done {
			s.Done++
		}
	}
	return s
}

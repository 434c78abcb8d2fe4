// Package registrytest serves a real OCI registry (go-containerregistry's,
// in memory) from the test process on 127.0.0.1, which a Docker Engine
// pulls from over plain HTTP (it takes registries on 127.0.0.0/8 as
// insecure), and pushes local images to it: for the tests of image pulls.
package registrytest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/moby/client"
)

// Registry is a registry served until the test ends.
type Registry struct {
	// Host is 127.0.0.1:PORT.
	Host  string
	inner http.Handler
	front atomic.Pointer[http.Handler] // the registry, or a wrapper around it
}

// Start serves a new registry until the test ends.
func Start(t testing.TB) *Registry {
	t.Helper()
	r := &Registry{inner: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	r.front.Store(&r.inner)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		(*r.front.Load()).ServeHTTP(w, req)
	}))
	// The engine tries HTTPS first, then plain HTTP: its TLS handshakes
	// are not worth a line each.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	r.Host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// Wrap puts mw in front of the registry for the requests to come.
func (r *Registry) Wrap(mw func(http.Handler) http.Handler) {
	h := mw(r.inner)
	r.front.Store(&h)
}

// Image is an image as pushed to a test registry.
type Image struct {
	Repo   string  // 127.0.0.1:PORT/NAME
	Digest v1.Hash // of its manifest
	Config v1.Hash // digest of its config
	Layer  v1.Hash // digest of its last layer, which no other image has
	// LayerSize is the size of that layer as pushed, compressed.
	LayerSize int64
	Ref       string // Repo@Digest
}

// Push puts the local image local, with a layer of layerBytes random
// bytes on top that makes it new to the engine (a pull must download it,
// however often the tests run), into the registry as repo:v1, and removes
// it from the engine when the test ends.
func (r *Registry) Push(t testing.TB, cli *client.Client, local, repo string, layerBytes int64) Image {
	t.Helper()
	ctx := t.Context()
	saved, err := cli.ImageSave(ctx, []string{local})
	if err != nil {
		t.Fatalf("save %s: %v", local, err)
	}
	path := filepath.Join(t.TempDir(), "image.tar")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(f, saved)
	saved.Close()
	if err := errors.Join(err, f.Close()); err != nil {
		t.Fatalf("save %s: %v", local, err)
	}
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatalf("read the saved %s: %v", local, err)
	}
	layer, err := random.Layer(layerBytes, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	if img, err = mutate.AppendLayers(img, layer); err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(r.Host+"/"+repo+":v1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	if err := remote.Write(tag, img, remote.WithContext(ctx), remote.WithTransport(transport)); err != nil {
		t.Fatalf("push %s: %v", tag, err)
	}
	p := Image{Repo: r.Host + "/" + repo}
	if p.Digest, err = img.Digest(); err != nil {
		t.Fatal(err)
	}
	if p.Config, err = img.ConfigName(); err != nil {
		t.Fatal(err)
	}
	if p.Layer, err = layer.Digest(); err != nil {
		t.Fatal(err)
	}
	if p.LayerSize, err = layer.Size(); err != nil {
		t.Fatal(err)
	}
	p.Ref = p.Repo + "@" + p.Digest.String()
	t.Cleanup(func() { RemoveImage(t, cli, p.Ref) })
	return p
}

// RemoveImage removes ref from the engine; one not there is no error.
func RemoveImage(t testing.TB, cli *client.Client, ref string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		t.Errorf("remove image %s: %v", ref, err)
	}
}

// RepoName is a repository name for the test, unique to this run.
func RepoName(t testing.TB) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(t.Name()))
	return fmt.Sprintf("tender-test/%s-%d-%d", name, os.Getpid(), time.Now().UnixNano()%1_000_000_000)
}

// IsBlobGet reports whether req fetches a blob (a layer or a config).
func IsBlobGet(req *http.Request) bool {
	return req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/blobs/sha256:")
}

// BasicAuth answers 401 with a Basic challenge to requests without the
// user's credentials, and counts those that had them in good.
func BasicAuth(user, password string, good *atomic.Int32) func(http.Handler) http.Handler {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Header.Get("Authorization") != want {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
				return
			}
			good.Add(1)
			next.ServeHTTP(w, req)
		})
	}
}

// NoSecret fails t when s, what a test saw (an error, a log, a pod), holds
// any of user's passwords, plain or in a basic login.
func NoSecret(t testing.TB, what, s, user string, passwords ...string) {
	t.Helper()
	for _, p := range passwords {
		for _, secret := range []string{p, base64.StdEncoding.EncodeToString([]byte(user + ":" + p))} {
			if strings.Contains(s, secret) {
				t.Errorf("%s holds a secret (%q):\n%s", what, secret, s)
			}
		}
	}
}

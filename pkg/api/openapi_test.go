package api_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"gopkg.in/yaml.v3"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/api"
	"github.com/tender-market/tender/pkg/indexer"
	"github.com/tender-market/tender/pkg/store"
)

// TestOpenAPILint checks docs/openapi.yaml with an independent linter,
// Redocly CLI (pinned in docs/package-lock.json) and its recommended
// rules: a document the route check above passes can still be invalid
// (flow-style YAML whose unquoted commas make keys, nullable without a
// type), which generators and readers of the document then trip on.
func TestOpenAPILint(t *testing.T) {
	bin, err := filepath.Abs("../../docs/node_modules/.bin/redocly")
	if err == nil {
		_, err = os.Stat(bin)
	}
	testenv.Need(t, "Redocly CLI", "run scripts/setup.d/35-docs.sh (npm ci in docs/)", err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "lint", "openapi.yaml")
	cmd.Dir = "../../docs"
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("redocly lint docs/openapi.yaml: %v\n%s", err, out)
	}
}

// TestOpenAPIMatchesRoutes holds docs/openapi.yaml and the router
// together: every route is documented and every documented operation is
// routed, with the same methods.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	data, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                          `yaml:"openapi"`
		Paths   map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q, want 3.x", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}

	// A store is needed to build the server, not to walk its routes.
	srv, err := api.New(api.Config{Store: (*store.Store)(nil), Ingest: (*indexer.Market)(nil)})
	if err != nil {
		t.Fatal(err)
	}
	routes, ok := srv.Handler().(chi.Routes)
	if !ok {
		t.Fatalf("Handler is %T, not a chi router", srv.Handler())
	}
	routed := map[string]bool{}
	err = chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		route = strings.Replace(route, "/*", "/{path}", 1)
		if len(route) > 1 {
			route = strings.TrimSuffix(route, "/")
		}
		routed[method+" "+route] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing, extra []string
	for r := range routed {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routed[d] {
			extra = append(extra, d)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("routes not in docs/openapi.yaml: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("documented but not routed: %v", extra)
	}
	if len(routed) < 18 {
		t.Errorf("walked %d routes, want at least 18", len(routed))
	}
}

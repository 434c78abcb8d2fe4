package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tender-market/tender/examples/internal/mlp"
	"github.com/tender-market/tender/internal/testenv"
)

func servedModel(t *testing.T) *mlp.Model {
	t.Helper()
	dir := t.TempDir()
	trainedModel(t, dir)
	m, err := loadModel(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url+"/predict", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServicePredicts: the service classifies fresh moons as the trained
// model does, in order, with the accuracy training reached.
func TestServicePredicts(t *testing.T) {
	srv := httptest.NewServer(service(servedModel(t)))
	defer srv.Close()
	samples := mlp.Moons(300, 0.15, 2)
	var req PredictRequest
	for _, s := range samples {
		req.Inputs = append(req.Inputs, s.X)
	}
	body, _ := json.Marshal(req)
	code, text := post(t, srv.URL, string(body))
	if code != http.StatusOK {
		t.Fatalf("POST /predict: %d %s", code, text)
	}
	var resp PredictResponse
	if err := json.Unmarshal([]byte(text), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Predictions) != len(samples) {
		t.Fatalf("%d predictions for %d inputs", len(resp.Predictions), len(samples))
	}
	correct := 0
	for i, p := range resp.Predictions {
		if fmt.Sprint(p.X) != fmt.Sprint(samples[i].X) {
			t.Fatalf("prediction %d is for %v, input %v", i, p.X, samples[i].X)
		}
		if p.Label == samples[i].Y {
			correct++
		}
	}
	if acc := float64(correct) / float64(len(samples)); acc < 0.9 {
		t.Errorf("accuracy %.3f over the service, want at least 0.9", acc)
	}
	r, err := http.Get(srv.URL + "/healthz")
	if err != nil || r.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %v, %v", r, err)
	}
}

// TestServiceRefuses: what a caller may send the service is bounded and
// checked: oversize, too many inputs, inputs of the wrong size, garbage,
// unknown fields and other methods are refused with the reason.
func TestServiceRefuses(t *testing.T) {
	srv := httptest.NewServer(service(servedModel(t)))
	defer srv.Close()
	many := `{"inputs": [` + strings.TrimSuffix(strings.Repeat("[0,0],", maxRequestInputs+1), ",") + `]}`
	for _, c := range []struct {
		name, body string
		code       int
		says       string
	}{
		{"oversize", `{"inputs": [[0,0]], "pad": "` + strings.Repeat("x", maxRequestBytes) + `"}`, http.StatusRequestEntityTooLarge, "over"},
		{"too many inputs", many, http.StatusBadRequest, "want 1 to"},
		{"no inputs", `{"inputs": []}`, http.StatusBadRequest, "want 1 to"},
		{"wrong size", `{"inputs": [[0,0],[1,2,3]]}`, http.StatusBadRequest, "input 1 has 3 values"},
		{"garbage", `predict please`, http.StatusBadRequest, "want {"},
		{"unknown field", `{"inputs": [[0,0]], "model": "other"}`, http.StatusBadRequest, "unknown field"},
		{"trailing data", `{"inputs": [[0,0]]} {}`, http.StatusBadRequest, "trailing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, text := post(t, srv.URL, c.body); code != c.code || !strings.Contains(text, c.says) {
				t.Errorf("%d %q, want %d saying %q", code, text, c.code, c.says)
			}
		})
	}
	r, err := http.Get(srv.URL + "/predict")
	if err != nil || r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /predict: %v, %v; want 405", r, err)
	}
}

// TestServeStops: infer -serve answers until it is stopped, then returns
// cleanly.
func TestServeStops(t *testing.T) {
	dir := t.TempDir()
	trainedModel(t, dir)
	m, err := loadModel(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	addrs := make(chan net.Addr, 1)
	var out testenv.Buffer
	task := testenv.Background(t, "infer -serve", func(ctx context.Context) error {
		return serve(ctx, "127.0.0.1:0", m, &out, func(a net.Addr) { addrs <- a })
	})
	var addr net.Addr
	select {
	case addr = <-addrs:
	case <-time.After(10 * time.Second):
		t.Fatal("the service did not listen")
	}
	r, err := http.Get("http://" + addr.String() + "/healthz")
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %v, %v", r, err)
	}
	r.Body.Close()
	task.Stop()
	if task.Err() != nil || !strings.Contains(out.String(), "stopped serving") {
		t.Errorf("serve returned %v, output %q; want a clean stop", task.Err(), out.String())
	}
}

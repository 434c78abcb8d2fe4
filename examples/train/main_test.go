package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tender-market/tender/examples/internal/mlp"
)

func readMetrics(t *testing.T, dir string) Metrics {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatalf("read metrics: %v", err)
	}
	var m Metrics
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("parse metrics.json: %v", err)
	}
	return m
}

func TestRun(t *testing.T) {
	out := t.TempDir()
	var logs strings.Builder
	if err := run(t.Context(), []string{"-out", out, "-samples", "1000", "-epochs", "30"}, &logs); err != nil {
		t.Fatalf("run() error = %v", err)
	}
	m := readMetrics(t, out)
	if m.EpochsRun != 30 || m.Interrupted {
		t.Errorf("epochsRun = %d, interrupted = %v; want 30, false", m.EpochsRun, m.Interrupted)
	}
	if m.TestAccuracy < 0.9 || m.TestAccuracy <= m.Chance {
		t.Errorf("test accuracy = %.3f, want >= 0.9 (chance %.2f)", m.TestAccuracy, m.Chance)
	}
	if got := strings.Count(logs.String(), "\nepoch "); got != 30 {
		t.Errorf("log has %d epoch lines, want 30:\n%s", got, logs.String())
	}
	f, err := os.Open(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	model, err := mlp.Load(f)
	if err != nil {
		t.Fatalf("model.json: %v", err)
	}
	if model.Hidden != 16 {
		t.Errorf("model has %d hidden units, want the default 16", model.Hidden)
	}
}

func TestRunInterrupted(t *testing.T) {
	out := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, []string{"-out", out, "-samples", "100"}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("run(canceled) error = %v, want one saying it was interrupted", err)
	}
	if m := readMetrics(t, out); !m.Interrupted || m.EpochsRun != 0 {
		t.Errorf("metrics interrupted = %v, epochsRun = %d; want true, 0", m.Interrupted, m.EpochsRun)
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-samples", "3"}, {"-hidden", "0"}, {"-nope"}} {
		if err := run(t.Context(), append(args, "-out", t.TempDir()), &strings.Builder{}); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tender-market/tender/examples/internal/mlp"
)

// trainedModel writes a model trained the way the training job trains it.
func trainedModel(t *testing.T, dir string) {
	t.Helper()
	train, test := mlp.Split(mlp.Moons(1000, 0.15, 1), 0.2)
	m := mlp.New(2, 16, 1)
	if err := mlp.Train(t.Context(), m, train, test, mlp.TrainConfig{Epochs: 40, BatchSize: 32, LearningRate: 0.5, Seed: 1}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := m.Save(f); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestRun(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	trainedModel(t, in)
	fixed := filepath.Join(in, "fixed.json")
	if err := os.WriteFile(fixed, []byte(`{"inputs": [[0, 1], [1, -0.5], [-1, 0.2], [2, 0.4]]}`), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		inputs      string
		wantSamples int
		wantAcc     float64 // 0: no labels, no accuracy
		wantLabels  []int
	}{
		{name: "generated inputs", inputs: filepath.Join(in, "absent.json"), wantSamples: 500, wantAcc: 0.93},
		{name: "inputs file without labels", inputs: fixed, wantSamples: 4, wantLabels: []int{0, 1, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs strings.Builder
			args := []string{"-model", filepath.Join(in, "model.json"), "-inputs", tt.inputs, "-out", out}
			if err := run(t.Context(), args, &logs); err != nil {
				t.Fatalf("run() error = %v", err)
			}
			var m Metrics
			readJSON(t, filepath.Join(out, "metrics.json"), &m)
			var preds []Prediction
			readJSON(t, filepath.Join(out, "predictions.json"), &preds)
			if m.Samples != tt.wantSamples || len(preds) != tt.wantSamples {
				t.Errorf("samples = %d, predictions = %d; want %d", m.Samples, len(preds), tt.wantSamples)
			}
			switch {
			case tt.wantAcc == 0 && m.Accuracy != nil:
				t.Errorf("accuracy = %v without labels, want none", *m.Accuracy)
			case tt.wantAcc > 0 && (m.Accuracy == nil || *m.Accuracy < tt.wantAcc):
				t.Errorf("accuracy = %v, want >= %v", m.Accuracy, tt.wantAcc)
			}
			for i, want := range tt.wantLabels {
				if preds[i].Label != want {
					t.Errorf("prediction %d for %v = %d (p=%.3f), want %d", i, preds[i].X, preds[i].Label, preds[i].Probability, want)
				}
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	in := t.TempDir()
	trainedModel(t, in)
	bad := filepath.Join(in, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"inputs": [[1, 2, 3]]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no model", []string{"-model", filepath.Join(in, "none.json")}, "run the training job first"},
		{"wrong input size", []string{"-model", filepath.Join(in, "model.json"), "-inputs", bad}, "the model takes 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t.Context(), append(tt.args, "-out", t.TempDir()), &strings.Builder{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

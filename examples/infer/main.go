// Command infer is Tender's example inference job: it loads a model written
// by the example training job (model.json, read from /input in a Tender
// container), classifies inputs, and writes predictions.json and metrics.json
// to its output directory.
//
// Inputs come from -inputs, a JSON file {"inputs": [[x, y], ...], "labels":
// [0, 1, ...]} (labels optional), or, when that file does not exist, from a
// fresh labelled data set generated from -seed like the training data.
// Accuracy is reported whenever labels are known.
//
// With -serve it is a service instead: it answers POST /predict
// ({"inputs": [[x, y], ...]}, at most 10,000 inputs and 1 MiB) and GET
// /healthz over HTTP on that address until it is stopped (SIGTERM).
//
// Usage:
//
//	infer [-model /input/model.json] [-inputs /input/inputs.json]
//	      [-seed 2] [-samples 500] [-noise 0.15] [-out /output]
//	infer -serve :8000 [-model /input/model.json]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/tender-market/tender/examples/internal/mlp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "infer:", err)
		os.Exit(1)
	}
}

// Inputs is the format of the -inputs file.
type Inputs struct {
	Inputs [][]float64 `json:"inputs"`
	Labels []int       `json:"labels,omitempty"`
}

// Prediction is one entry of predictions.json.
type Prediction struct {
	X           []float64 `json:"x"`
	Probability float64   `json:"probability"`
	Label       int       `json:"label"`
}

// Metrics is what metrics.json holds.
type Metrics struct {
	Samples  int      `json:"samples"`
	Labelled bool     `json:"labelled"`
	Accuracy *float64 `json:"accuracy,omitempty"`
	Source   string   `json:"source"`
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("infer", flag.ContinueOnError)
	modelPath := flags.String("model", "/input/model.json", "model written by the training job")
	inputsPath := flags.String("inputs", "/input/inputs.json", "inputs to classify; generated when the file does not exist")
	seed := flags.Uint64("seed", 2, "seed for generated inputs")
	samples := flags.Int("samples", 500, "number of generated inputs")
	noise := flags.Float64("noise", 0.15, "noise of generated inputs")
	out := flags.String("out", "/output", "directory for predictions.json and metrics.json")
	addr := flags.String("serve", "", "serve predictions over HTTP on this address (host:port) instead of classifying a batch")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}

	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	if *addr != "" {
		return serve(ctx, *addr, model, stdout, nil)
	}
	in, source, err := loadInputs(*inputsPath, *seed, *samples, *noise)
	if err != nil {
		return err
	}
	for i, x := range in.Inputs {
		if len(x) != model.Inputs {
			return fmt.Errorf("input %d has %d values, the model takes %d", i, len(x), model.Inputs)
		}
	}
	if in.Labels != nil && len(in.Labels) != len(in.Inputs) {
		return fmt.Errorf("%d labels for %d inputs", len(in.Labels), len(in.Inputs))
	}
	fmt.Fprintf(stdout, "classifying %d inputs (%s) with a %d-hidden-unit model\n", len(in.Inputs), source, model.Hidden)

	preds := make([]Prediction, len(in.Inputs))
	correct := 0
	for i, x := range in.Inputs {
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("interrupted after %d inputs: %w", i, err)
			}
		}
		p := model.Predict(x)
		label := 0
		if p >= 0.5 {
			label = 1
		}
		preds[i] = Prediction{X: x, Probability: p, Label: label}
		if in.Labels != nil && in.Labels[i] == label {
			correct++
		}
	}
	m := Metrics{Samples: len(in.Inputs), Labelled: in.Labels != nil, Source: source}
	if in.Labels != nil && len(in.Inputs) > 0 {
		acc := float64(correct) / float64(len(in.Inputs))
		m.Accuracy = &acc
		fmt.Fprintf(stdout, "accuracy=%.3f\n", acc)
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	if err := writeJSON(filepath.Join(*out, "predictions.json"), preds); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(*out, "metrics.json"), m); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(*out, "predictions.json"), filepath.Join(*out, "metrics.json"))
	return nil
}

func loadModel(path string) (*mlp.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open model (run the training job first and pass its model.json as input): %w", err)
	}
	defer f.Close()
	m, err := mlp.Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// loadInputs reads path, or generates labelled inputs when it does not exist.
func loadInputs(path string, seed uint64, samples int, noise float64) (Inputs, string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if samples <= 0 {
			return Inputs{}, "", fmt.Errorf("-samples %d, want at least 1", samples)
		}
		var in Inputs
		for _, s := range mlp.Moons(samples, noise, seed) {
			in.Inputs = append(in.Inputs, s.X)
			in.Labels = append(in.Labels, s.Y)
		}
		return in, fmt.Sprintf("generated from seed %d", seed), nil
	}
	if err != nil {
		return Inputs{}, "", fmt.Errorf("read inputs: %w", err)
	}
	var in Inputs
	if err := json.Unmarshal(b, &in); err != nil {
		return Inputs{}, "", fmt.Errorf("read inputs %s: %w", path, err)
	}
	return in, path, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

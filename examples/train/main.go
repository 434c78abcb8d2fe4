// Command train is Tender's example training job: it trains a small neural
// network on a data set it generates from a seed (two interleaving moons),
// logs loss and accuracy every epoch, and writes model.json and metrics.json
// to its output directory (/output in a Tender container).
//
// It stops cleanly on SIGTERM or SIGINT, writing what it has learnt so far
// with "interrupted": true in the metrics, and exits with status 1.
//
// Usage:
//
//	train [-seed 1] [-samples 2000] [-noise 0.15] [-hidden 16] [-epochs 40]
//	      [-batch 32] [-lr 0.5] [-epoch-delay 0s] [-out /output]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tender-market/tender/examples/internal/mlp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	Seed       uint64
	Samples    int
	Noise      float64
	Hidden     int
	Epochs     int
	Batch      int
	LR         float64
	EpochDelay time.Duration
	Out        string
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.Uint64Var(&c.Seed, "seed", 1, "seed for the data set, the initial weights and the sample order")
	fs.IntVar(&c.Samples, "samples", 2000, "number of samples to generate (80% train, 20% test)")
	fs.Float64Var(&c.Noise, "noise", 0.15, "standard deviation of the noise added to each point")
	fs.IntVar(&c.Hidden, "hidden", 16, "hidden units")
	fs.IntVar(&c.Epochs, "epochs", 40, "training epochs")
	fs.IntVar(&c.Batch, "batch", 32, "mini-batch size")
	fs.Float64Var(&c.LR, "lr", 0.5, "learning rate")
	fs.DurationVar(&c.EpochDelay, "epoch-delay", 0, "pause after each epoch, to make a short job last longer in demos")
	fs.StringVar(&c.Out, "out", "/output", "directory for model.json and metrics.json")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if c.Samples < 10 {
		return config{}, fmt.Errorf("-samples %d is too few, want at least 10", c.Samples)
	}
	if c.Hidden <= 0 {
		return config{}, fmt.Errorf("-hidden %d, want at least 1", c.Hidden)
	}
	return c, nil
}

// Metrics is what metrics.json holds.
type Metrics struct {
	Seed          uint64           `json:"seed"`
	Samples       int              `json:"samples"`
	Epochs        int              `json:"epochs"`
	EpochsRun     int              `json:"epochsRun"`
	FinalLoss     float64          `json:"finalLoss"`
	TrainAccuracy float64          `json:"trainAccuracy"`
	TestAccuracy  float64          `json:"testAccuracy"`
	Chance        float64          `json:"chance"`
	Interrupted   bool             `json:"interrupted"`
	Seconds       float64          `json:"seconds"`
	History       []mlp.EpochStats `json:"history"`
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	c, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	started := time.Now()
	train, test := mlp.Split(mlp.Moons(c.Samples, c.Noise, c.Seed), 0.2)
	model := mlp.New(2, c.Hidden, c.Seed)
	fmt.Fprintf(stdout, "training: %d train and %d test samples, %d hidden units, %d epochs, seed %d\n",
		len(train), len(test), c.Hidden, c.Epochs, c.Seed)

	m := Metrics{Seed: c.Seed, Samples: c.Samples, Epochs: c.Epochs, Chance: 0.5, History: []mlp.EpochStats{}}
	cfg := mlp.TrainConfig{Epochs: c.Epochs, BatchSize: c.Batch, LearningRate: c.LR, Seed: c.Seed}
	trainErr := mlp.Train(ctx, model, train, test, cfg, func(s mlp.EpochStats) error {
		m.History = append(m.History, s)
		fmt.Fprintf(stdout, "epoch %d/%d loss=%.4f train_accuracy=%.3f test_accuracy=%.3f\n",
			s.Epoch, c.Epochs, s.Loss, s.TrainAccuracy, s.TestAccuracy)
		if c.EpochDelay > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(c.EpochDelay):
			}
		}
		return nil
	})
	if trainErr != nil && !errors.Is(trainErr, context.Canceled) {
		return trainErr
	}
	m.Interrupted = trainErr != nil
	m.EpochsRun = len(m.History)
	m.FinalLoss, m.TrainAccuracy = model.Evaluate(train)
	_, m.TestAccuracy = model.Evaluate(test)
	m.Seconds = time.Since(started).Seconds()

	if err := writeFile(filepath.Join(c.Out, "model.json"), model.Save); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(c.Out, "metrics.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done: test_accuracy=%.3f after %d epochs; wrote %s and %s\n", m.TestAccuracy, m.EpochsRun,
		filepath.Join(c.Out, "model.json"), filepath.Join(c.Out, "metrics.json"))
	if m.Interrupted {
		return fmt.Errorf("interrupted after %d of %d epochs; the partial model was written", m.EpochsRun, c.Epochs)
	}
	return nil
}

// writeFile creates path and fills it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

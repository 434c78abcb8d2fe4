// Package mlp is a small multilayer perceptron in pure Go, used by the example
// training and inference jobs: one hidden tanh layer, a sigmoid output, binary
// cross-entropy loss, mini-batch gradient descent. Everything is deterministic
// for a given seed.
package mlp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// Sample is one labelled point.
type Sample struct {
	X []float64 `json:"x"`
	Y int       `json:"y"` // 0 or 1
}

// Moons returns n points of two interleaving half circles with Gaussian noise,
// a classic data set a linear model cannot separate. Half the points have each
// label; the order is shuffled. The same seed gives the same points.
func Moons(n int, noise float64, seed uint64) []Sample {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]Sample, n)
	for i := range out {
		t := math.Pi * rng.Float64()
		var x, y float64
		label := i % 2
		if label == 0 {
			x, y = math.Cos(t), math.Sin(t)
		} else {
			x, y = 1-math.Cos(t), 0.5-math.Sin(t)
		}
		out[i] = Sample{X: []float64{x + noise*rng.NormFloat64(), y + noise*rng.NormFloat64()}, Y: label}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// Split returns the first (1-testFraction) of samples for training and the
// rest for testing.
func Split(samples []Sample, testFraction float64) (train, test []Sample) {
	cut := int(float64(len(samples)) * (1 - testFraction))
	return samples[:cut], samples[cut:]
}

// Model is the network's weights; it marshals to JSON as is.
type Model struct {
	Inputs int         `json:"inputs"`
	Hidden int         `json:"hidden"`
	W1     [][]float64 `json:"w1"` // Hidden rows of Inputs weights
	B1     []float64   `json:"b1"`
	W2     []float64   `json:"w2"`
	B2     float64     `json:"b2"`
}

// New returns a model with small random weights drawn from seed.
func New(inputs, hidden int, seed uint64) *Model {
	rng := rand.New(rand.NewPCG(seed, seed^0xda942042e4dd58b5))
	m := &Model{Inputs: inputs, Hidden: hidden, W1: make([][]float64, hidden), B1: make([]float64, hidden), W2: make([]float64, hidden)}
	scale1 := 1 / math.Sqrt(float64(inputs))
	scale2 := 1 / math.Sqrt(float64(hidden))
	for h := range hidden {
		m.W1[h] = make([]float64, inputs)
		for i := range inputs {
			m.W1[h][i] = rng.NormFloat64() * scale1
		}
		m.W2[h] = rng.NormFloat64() * scale2
	}
	return m
}

// Validate checks that the weights have the shapes Inputs and Hidden say.
func (m *Model) Validate() error {
	if m.Inputs <= 0 || m.Hidden <= 0 {
		return fmt.Errorf("model has %d inputs and %d hidden units, want both positive", m.Inputs, m.Hidden)
	}
	if len(m.W1) != m.Hidden || len(m.B1) != m.Hidden || len(m.W2) != m.Hidden {
		return fmt.Errorf("model weights do not match %d hidden units", m.Hidden)
	}
	for _, row := range m.W1 {
		if len(row) != m.Inputs {
			return fmt.Errorf("model weights do not match %d inputs", m.Inputs)
		}
	}
	return nil
}

// Predict returns the probability that x has label 1.
func (m *Model) Predict(x []float64) float64 {
	out := m.B2
	for h := range m.Hidden {
		out += m.W2[h] * math.Tanh(m.pre(h, x))
	}
	return sigmoid(out)
}

func (m *Model) pre(h int, x []float64) float64 {
	z := m.B1[h]
	for i, w := range m.W1[h] {
		z += w * x[i]
	}
	return z
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Evaluate returns the mean cross-entropy loss and the accuracy on samples.
func (m *Model) Evaluate(samples []Sample) (loss, accuracy float64) {
	if len(samples) == 0 {
		return 0, 0
	}
	const eps = 1e-12
	correct := 0
	for _, s := range samples {
		p := m.Predict(s.X)
		if s.Y == 1 {
			loss -= math.Log(p + eps)
		} else {
			loss -= math.Log(1 - p + eps)
		}
		if (p >= 0.5) == (s.Y == 1) {
			correct++
		}
	}
	n := float64(len(samples))
	return loss / n, float64(correct) / n
}

// TrainConfig says how to train.
type TrainConfig struct {
	Epochs       int
	BatchSize    int
	LearningRate float64
	Seed         uint64 // for the order of samples in each epoch
}

// EpochStats is the state after one epoch.
type EpochStats struct {
	Epoch         int     `json:"epoch"`
	Loss          float64 `json:"loss"`
	TrainAccuracy float64 `json:"trainAccuracy"`
	TestAccuracy  float64 `json:"testAccuracy"`
}

// Train runs mini-batch gradient descent on train, evaluating on test after
// every epoch and passing the result to onEpoch. It stops early, returning
// ctx's error, when ctx is done; the model keeps the weights of the last full
// epoch. An error from onEpoch stops training and is returned.
func Train(ctx context.Context, m *Model, train, test []Sample, cfg TrainConfig, onEpoch func(EpochStats) error) error {
	if cfg.Epochs <= 0 || cfg.BatchSize <= 0 || cfg.LearningRate <= 0 {
		return fmt.Errorf("training needs positive epochs, batch size and learning rate, got %d, %d, %g",
			cfg.Epochs, cfg.BatchSize, cfg.LearningRate)
	}
	if len(train) == 0 {
		return errors.New("training needs at least one sample")
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x2545f4914f6cdd1d))
	order := make([]int, len(train))
	for i := range order {
		order[i] = i
	}
	g := newGradient(m)
	hidden := make([]float64, m.Hidden)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for start := 0; start < len(order); start += cfg.BatchSize {
			batch := order[start:min(start+cfg.BatchSize, len(order))]
			g.reset()
			for _, idx := range batch {
				g.add(m, train[idx], hidden)
			}
			g.apply(m, cfg.LearningRate/float64(len(batch)))
		}
		loss, trainAcc := m.Evaluate(train)
		_, testAcc := m.Evaluate(test)
		if onEpoch != nil {
			if err := onEpoch(EpochStats{Epoch: epoch, Loss: loss, TrainAccuracy: trainAcc, TestAccuracy: testAcc}); err != nil {
				return err
			}
		}
	}
	return nil
}

// gradient accumulates the loss gradient over a batch.
type gradient struct {
	w1 [][]float64
	b1 []float64
	w2 []float64
	b2 float64
}

func newGradient(m *Model) *gradient {
	g := &gradient{w1: make([][]float64, m.Hidden), b1: make([]float64, m.Hidden), w2: make([]float64, m.Hidden)}
	for h := range g.w1 {
		g.w1[h] = make([]float64, m.Inputs)
	}
	return g
}

func (g *gradient) reset() {
	for h := range g.w1 {
		clear(g.w1[h])
	}
	clear(g.b1)
	clear(g.w2)
	g.b2 = 0
}

// add backpropagates one sample; hidden is scratch space.
func (g *gradient) add(m *Model, s Sample, hidden []float64) {
	out := m.B2
	for h := range m.Hidden {
		hidden[h] = math.Tanh(m.pre(h, s.X))
		out += m.W2[h] * hidden[h]
	}
	// d(cross-entropy)/d(logit) for a sigmoid output is p - y.
	dOut := sigmoid(out) - float64(s.Y)
	g.b2 += dOut
	for h := range m.Hidden {
		g.w2[h] += dOut * hidden[h]
		dHidden := dOut * m.W2[h] * (1 - hidden[h]*hidden[h])
		g.b1[h] += dHidden
		for i, x := range s.X {
			g.w1[h][i] += dHidden * x
		}
	}
}

func (g *gradient) apply(m *Model, step float64) {
	m.B2 -= step * g.b2
	for h := range m.Hidden {
		m.W2[h] -= step * g.w2[h]
		m.B1[h] -= step * g.b1[h]
		for i := range m.W1[h] {
			m.W1[h][i] -= step * g.w1[h][i]
		}
	}
}

// Save writes the model as indented JSON.
func (m *Model) Save(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}

// Load reads a model written by Save and checks its shape.
func Load(r io.Reader) (*Model, error) {
	var m Model
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return &m, nil
}

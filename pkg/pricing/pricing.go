// Package pricing is a GPU owner's price list: what an order's offer costs
// per hour, from a price per GPU hour for each GPU model, terms for CPU and
// memory, and a floor, read from a YAML file. An owner who wants more (spot
// prices, a spreadsheet, a model) names an external command that gets the
// order and offer as JSON on stdin and prints the price on stdout.
//
// All prices are exact integers in the payment token's base units.
package pricing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tender-market/tender/pkg/auction"
)

// DefaultCommandTimeout bounds an external pricing command.
const DefaultCommandTimeout = 5 * time.Second

// ErrUnpriced: the offer holds a GPU model the price list has no price for.
var ErrUnpriced = errors.New("no price for this GPU model")

// Config is the price list file.
type Config struct {
	// GPUs are prices per GPU hour by model, first match wins; a model
	// pattern matches as in orders ("H100" matches "NVIDIA H100 80GB HBM3"),
	// and "*" matches any model. A MIG slice ("NVIDIA A100-SXM4-40GB MIG
	// 3g.20gb") is priced only by a pattern that says MIG ("A100 MIG
	// 3g.20gb", "MIG 1g.10gb", "MIG"): without one, slices are not sold.
	GPUs []GPUPrice `yaml:"gpus"`
	// CPUPerCoreHour is the price of 1000 millicores for an hour.
	CPUPerCoreHour string `yaml:"cpuPerCoreHour"`
	// MemoryPerGiBHour is the price of 1 GiB of memory for an hour.
	MemoryPerGiBHour string `yaml:"memoryPerGiBHour"`
	// Floor is the least this provider asks for any order, per hour.
	Floor string `yaml:"floor"`
	// Command, when set, prices instead of the table: argv, run without a
	// shell, order and offer on stdin as JSON, an integer on stdout.
	Command []string `yaml:"command"`
	// CommandTimeout bounds Command ("5s", the default).
	CommandTimeout string `yaml:"commandTimeout"`
}

// GPUPrice is one line of the price table.
type GPUPrice struct {
	Model        string `yaml:"model"`
	PricePerHour string `yaml:"pricePerHour"`
}

// Prices prices offers. Build it with Load or New.
type Prices struct {
	gpus    []gpuPrice
	cpu     *big.Int
	memory  *big.Int
	floor   *big.Int
	command []string
	timeout time.Duration
}

type gpuPrice struct {
	model string
	price *big.Int
}

// Load reads a price list file.
func Load(path string) (*Prices, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("price list: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("price list %s: %w (fields: gpus[].model, gpus[].pricePerHour, cpuPerCoreHour, memoryPerGiBHour, floor, command, commandTimeout)", path, err)
	}
	p, err := New(c)
	if err != nil {
		return nil, fmt.Errorf("price list %s: %w", path, err)
	}
	return p, nil
}

// New checks a price list.
func New(c Config) (*Prices, error) {
	var errs []error
	amount := func(field, s string) *big.Int {
		if s == "" {
			return new(big.Int)
		}
		v, ok := new(big.Int).SetString(strings.TrimSpace(s), 10)
		if !ok || v.Sign() < 0 {
			errs = append(errs, fmt.Errorf("%s: %q is not an amount: want a whole number of the token's base units", field, s))
			return new(big.Int)
		}
		return v
	}
	p := &Prices{
		cpu:     amount("cpuPerCoreHour", c.CPUPerCoreHour),
		memory:  amount("memoryPerGiBHour", c.MemoryPerGiBHour),
		floor:   amount("floor", c.Floor),
		command: c.Command,
		timeout: DefaultCommandTimeout,
	}
	for i, g := range c.GPUs {
		if strings.TrimSpace(g.Model) == "" {
			errs = append(errs, fmt.Errorf("gpus[%d].model: is empty: name a model such as H100, or * for any", i))
		}
		if g.PricePerHour == "" {
			errs = append(errs, fmt.Errorf("gpus[%d].pricePerHour: is required", i))
		}
		p.gpus = append(p.gpus, gpuPrice{model: g.Model, price: amount(fmt.Sprintf("gpus[%d].pricePerHour", i), g.PricePerHour)})
	}
	if c.CommandTimeout != "" {
		d, err := time.ParseDuration(c.CommandTimeout)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("commandTimeout: %q is not a positive duration such as 5s", c.CommandTimeout))
		}
		p.timeout = d
	}
	if len(c.Command) > 0 && c.Command[0] == "" {
		errs = append(errs, errors.New("command: the first element must name a program"))
	}
	if len(p.gpus) == 0 && len(c.Command) == 0 && p.cpu.Sign() == 0 && p.memory.Sign() == 0 && p.floor.Sign() == 0 {
		errs = append(errs, errors.New("prices nothing: set gpus, cpuPerCoreHour, memoryPerGiBHour, floor or command"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// Priced reports whether the table has a price for a GPU model. With an
// external command every model is priced.
func (p *Prices) Priced(model string) bool {
	_, ok := p.gpuPrice(model)
	return ok || len(p.command) > 0
}

func (p *Prices) gpuPrice(model string) (*big.Int, bool) {
	for _, g := range p.gpus {
		if g.model == "*" && !auction.IsMIGModel(model) || auction.ModelMatches(g.model, model) {
			return g.price, true
		}
	}
	return nil, false
}

// Table is the table's price per hour of offer: the GPUs at their model's
// price, CPU by the core and memory by the GiB (each rounded up to a whole
// base unit), and at least the floor.
func (p *Prices) Table(offer *auction.Offer) (*big.Int, error) {
	total := new(big.Int)
	for _, g := range offer.GPUs {
		price, ok := p.gpuPrice(g.Model)
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnpriced, g.Model)
		}
		total.Add(total, new(big.Int).Mul(price, new(big.Int).SetUint64(uint64(g.Count))))
	}
	total.Add(total, ceilMulDiv(p.cpu, offer.CPUMillis, 1000))
	total.Add(total, ceilMulDiv(p.memory, offer.MemoryMiB, 1024))
	if total.Cmp(p.floor) < 0 {
		total.Set(p.floor)
	}
	return total, nil
}

// Price is what this provider asks per hour to serve order with offer: the
// external command's answer when there is one, else the table's; never
// below the floor.
func (p *Prices) Price(ctx context.Context, order *auction.Order, offer *auction.Offer) (*big.Int, error) {
	if len(p.command) == 0 {
		return p.Table(offer)
	}
	table, err := p.Table(offer)
	if err != nil {
		table = nil
	}
	v, err := p.runCommand(ctx, order, offer, table)
	if err != nil {
		return nil, err
	}
	if v.Cmp(p.floor) < 0 {
		v.Set(p.floor)
	}
	return v, nil
}

// CommandInput is what an external pricing command reads on stdin.
type CommandInput struct {
	Order auction.Order `json:"order"`
	Offer auction.Offer `json:"offer"`
	// TablePrice is the price list's own price, as a decimal string, or
	// empty when the table cannot price the offer.
	TablePrice string `json:"tablePrice,omitempty"`
}

func (p *Prices) runCommand(ctx context.Context, order *auction.Order, offer *auction.Offer, table *big.Int) (*big.Int, error) {
	in := CommandInput{Order: *order, Offer: *offer}
	if table != nil {
		in.TablePrice = table.String()
	}
	data, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("pricing command: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.command[0], p.command[1:]...)
	cmd.Stdin = bytes.NewReader(data)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &limited{w: &stderr, n: 4 << 10}
	err = cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, fmt.Errorf("pricing command %s: no answer within %s", p.command[0], p.timeout)
	case err != nil:
		return nil, fmt.Errorf("pricing command %s: %w: %s", p.command[0], err, strings.TrimSpace(stderr.String()))
	}
	v, err := parseCommandPrice(stdout.String())
	if err != nil {
		return nil, fmt.Errorf("pricing command %s: %w", p.command[0], err)
	}
	return v, nil
}

// parseCommandPrice reads what a pricing command printed: a positive whole
// number of base units, within 256 bits.
func parseCommandPrice(printed string) (*big.Int, error) {
	out := strings.TrimSpace(printed)
	v, ok := new(big.Int).SetString(out, 10)
	if !ok || v.Sign() <= 0 || v.BitLen() > 256 {
		return nil, fmt.Errorf("printed %q, want a positive whole number of the token's base units", truncate(out, 64))
	}
	return v, nil
}

// ceilMulDiv is price x n / d, rounded up.
func ceilMulDiv(price *big.Int, n, d uint64) *big.Int {
	v := new(big.Int).Mul(price, new(big.Int).SetUint64(n))
	q, r := v.QuoRem(v, new(big.Int).SetUint64(d), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(b []byte) (int, error) {
	if l.n > 0 {
		k := min(len(b), l.n)
		l.w.Write(b[:k])
		l.n -= k
	}
	return len(b), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

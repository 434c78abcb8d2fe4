package jobspec

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tender-market/tender/pkg/auction"
)

const full = `
image: tender/example-train:dev
command: ["-epochs", "3"]
env: {B: "2", A: "1"}
secrets: {API_KEY: s3cret}
resources:
  gpus: 2
  gpuModels: [H100, "H200"]
  minVram: 40Gi
  minComputeCapability: 8.0
  minCuda: "12.2"
  cpu: 2
  memory: 16Gi
  disk: 1.5G
  placement: {region: eu-west}
  allowSimulated: true
network: true
maxDuration: 2h
maxPricePerHour: 1.5 tokens/h
bidWindow: 3s
minReputation: 50
`

func TestParseFull(t *testing.T) {
	j, err := Parse([]byte(full), 6)
	if err != nil {
		t.Fatal(err)
	}
	want := &Job{
		Requirements: auction.Requirements{
			GPUCount: 2, GPUModels: []string{"H100", "H200"}, MinVRAMMiB: 40 << 10,
			MinComputeCapability: 80, MinCUDAVersion: 12020, CPUMillis: 2000, MemoryMiB: 16 << 10,
			DiskMiB: 1431, Placement: []auction.Attribute{{Key: "region", Value: "eu-west"}}, AllowSimulated: true,
		},
		Job: auction.Job{
			Image: "tender/example-train:dev", Command: []string{"-epochs", "3"},
			Env: []auction.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}, Network: true,
		},
		Secrets:         map[string]string{"API_KEY": "s3cret"},
		MaxDuration:     2 * time.Hour,
		MaxPricePerHour: big.NewInt(1_500_000),
		BidWindow:       3 * time.Second,
		MinReputation:   50,
	}
	if d := cmp.Diff(want, j, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
	now := time.Unix(1_000_000, 0)
	o := j.Order(common.Address{7}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", now, 9, 10*time.Minute)
	if o.BidDeadline != 1_000_003 || o.Expiry != 1_000_603 || o.MaxDuration != 7200 || o.Nonce != 9 {
		t.Errorf("order times: deadline %d expiry %d maxDuration %d nonce %d", o.BidDeadline, o.Expiry, o.MaxDuration, o.Nonce)
	}
	// Within a second, the deadline rounds up: the window is never shorter
	// than asked.
	if o := j.Order(common.Address{7}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", now.Add(900*time.Millisecond), 9, 10*time.Minute); o.BidDeadline != 1_000_004 {
		t.Errorf("order at 1000000.9 with a 3 s window: deadline %d, want 1000004", o.BidDeadline)
	}
	for _, e := range o.Job.Env {
		if e.Name == "API_KEY" {
			t.Error("a secret is in the public order")
		}
	}
	if err := o.Validate(); err != nil {
		t.Errorf("order does not validate: %v", err)
	}
	// The floor is the tenant's auction rule, not part of the signed order.
	noFloor := *j
	noFloor.MinReputation = 0
	if got := noFloor.Order(common.Address{7}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", now, 9, 10*time.Minute); !cmp.Equal(o, got, cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })) {
		t.Errorf("minReputation changed the order: %+v vs %+v", o, got)
	}
}

func TestParseMinReputation(t *testing.T) {
	const base = "image: x\nmaxDuration: 1h\nmaxPricePerHour: \"100\"\n"
	tests := []struct {
		spec string
		want uint64
	}{
		{base, 0},
		{base + "minReputation: 0\n", 0},
		{base + "minReputation: 30\n", 30},
		{base + "minReputation: 18446744073709551615\n", 1<<64 - 1},
		{base + "minReputation: \"7\"\n", 7},
	}
	for _, tt := range tests {
		j, err := Parse([]byte(tt.spec), 6)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.spec, err)
		}
		if j.MinReputation != tt.want {
			t.Errorf("Parse(%q): minReputation %d, want %d", tt.spec, j.MinReputation, tt.want)
		}
	}
}

// TestParseVerify: verify becomes the order's Verify, exactly: replicas
// as given, or a spot check as replicas 1 and basis points.
func TestParseVerify(t *testing.T) {
	const base = "image: x\nmaxDuration: 1h\nmaxPricePerHour: \"100\"\n"
	tests := []struct {
		name, spec string
		want       auction.Verify
	}{
		{"none: a plain order", base, auction.Verify{}},
		{"empty: a plain order", base + "verify:\n", auction.Verify{}},
		{"two replicas", base + "verify: {replicas: 2, paths: [model.json]}\n", auction.Verify{Replicas: 2, Paths: []string{"model.json"}}},
		{"three replicas, block style", base + "verify:\n  replicas: 3\n  paths:\n    - model.json\n    - checkpoints/final\n",
			auction.Verify{Replicas: 3, Paths: []string{"model.json", "checkpoints/final"}}},
		{"spot check", base + "verify: {spotCheck: 0.1, paths: [model.json, metrics.json]}\n",
			auction.Verify{Replicas: 1, SpotCheckBps: 1000, Paths: []string{"model.json", "metrics.json"}}},
		{"spot check with replicas 1", base + "verify: {replicas: 1, spotCheck: 0.0005, paths: [model.json]}\n",
			auction.Verify{Replicas: 1, SpotCheckBps: 5, Paths: []string{"model.json"}}},
		{"spot check with replicas 0", base + "verify: {replicas: 0, spotCheck: 0.2, paths: [a]}\n", auction.Verify{Replicas: 1, SpotCheckBps: 2000, Paths: []string{"a"}}},
		{"spot check of every order", base + "verify: {spotCheck: 1, paths: [model.json]}\n", auction.Verify{Replicas: 1, SpotCheckBps: 10000, Paths: []string{"model.json"}}},
		{"spot check in percent", base + "verify: {spotCheck: 10%, paths: [model.json]}\n", auction.Verify{Replicas: 1, SpotCheckBps: 1000, Paths: []string{"model.json"}}},
		{"spot check as a quoted string", base + "verify: {spotCheck: \"0.25\", paths: [model.json]}\n", auction.Verify{Replicas: 1, SpotCheckBps: 2500, Paths: []string{"model.json"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := Parse([]byte(tt.spec), 6)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if d := cmp.Diff(tt.want, j.Verify, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("verify (-want +got):\n%s", d)
			}
			o := j.Order(common.Address{7}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", time.Unix(1_000_000, 0), 1, time.Minute)
			if d := cmp.Diff(tt.want, o.Verify, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("order's verify (-want +got):\n%s", d)
			}
			if err := o.Validate(); err != nil {
				t.Errorf("order does not validate: %v", err)
			}
		})
	}
}

// TestParseSpotCheck: a spot check is read exactly, never through
// floating point, in whole basis points.
func TestParseSpotCheck(t *testing.T) {
	good := []struct {
		in   string
		want uint16
	}{
		{"0.1", 1000}, {"0.0005", 5}, {"0.0001", 1}, {"1", 10000}, {"1.0", 10000}, {"1.0000", 10000},
		{"0.3", 3000}, {"0.9999", 9999}, {"0.07", 700}, {" 0.5 ", 5000},
		{"10%", 1000}, {"0.05%", 5}, {"100%", 10000}, {"33.33%", 3333}, {"12.5 %", 1250},
	}
	for _, tt := range good {
		if got, err := ParseSpotCheck(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSpotCheck(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, says string }{
		{"0.00005", "5 decimal places, at most 4"},
		{"0.10000", "5 decimal places, at most 4"},
		{"0.333333333333333333333", "decimal places"},
		{"0.001%", "3 decimal places, at most 2"},
		{"0", "checks no order"},
		{"0.0000", "checks no order"},
		{"0%", "checks no order"},
		{"-0.1", "negative"},
		{"-0", "negative"},
		{"1.0001", "more than every order"},
		{"2", "more than every order"},
		{"100.01%", "more than every order"},
		{"99999999999999999999999", "more than every order"},
		{"1e-3", "not a share"},
		{".5", "not a share"},
		{"0.", "not a share"},
		{"half", "not a share"},
		{"0,1", "not a share"},
		{"NaN", "not a share"},
		{"", "not a share"},
		{"%", "not a share"},
		{"10%%", "not a share"},
		{"1/10", "not a share"},
		{"+0.1", "not a share"},
	}
	for _, tt := range bad {
		if got, err := ParseSpotCheck(tt.in); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("ParseSpotCheck(%q) = %d, %v; want an error saying %q", tt.in, got, err, tt.says)
		}
	}
}

func TestParseExpose(t *testing.T) {
	const base = "image: x\nmaxDuration: 1h\nmaxPricePerHour: \"100\"\n"
	tests := []struct {
		spec string
		want []uint16
	}{
		{base, nil},
		{base + "expose: []\n", nil},
		{base + "expose: [8000]\n", []uint16{8000}},
		// Listed in any order, the order has them ascending: one encoding.
		{base + "expose: [8080, 22, 65535, 1]\n", []uint16{1, 22, 8080, 65535}},
	}
	for _, tt := range tests {
		j, err := Parse([]byte(tt.spec), 6)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.spec, err)
		}
		if !cmp.Equal(j.Job.Expose, tt.want) {
			t.Errorf("Parse(%q): expose %v, want %v", tt.spec, j.Job.Expose, tt.want)
		}
		o := j.Order(common.Address{7}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", time.Unix(1_000_000, 0), 9, time.Minute)
		if err := o.Validate(); err != nil {
			t.Errorf("Parse(%q): order does not validate: %v", tt.spec, err)
		}
	}
}

// TestRegistryLogin: a spec's registry login stays off the order, travels
// with the secrets under names no job may use, and comes apart again at
// the provider; a pinned image keeps its digest in the order.
func TestRegistryLogin(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	spec := "image: registry.example/model@" + digest + "\nmaxDuration: 1h\nmaxPricePerHour: \"100\"\n" +
		"secrets: {HF_TOKEN: hf}\nregistry: {username: bob, password: s3cret}\n"
	j, err := Parse([]byte(spec), 6)
	if err != nil {
		t.Fatal(err)
	}
	if j.Job.Image != "registry.example/model@"+digest {
		t.Errorf("image %q, want the pinned reference", j.Job.Image)
	}
	o := j.Order(common.Address{7}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", time.Unix(1_000_000, 0), 9, time.Minute)
	if wire, _ := json.Marshal(o); strings.Contains(string(wire), "s3cret") || strings.Contains(string(wire), "bob") {
		t.Errorf("the order carries the registry login: %s", wire)
	}
	sent := j.SecretsToSend()
	if len(sent) != 3 || sent[RegistryUsernameSecret] != "bob" || sent[RegistryPasswordSecret] != "s3cret" || sent["HF_TOKEN"] != "hf" {
		t.Errorf("secrets sent: %v", sent)
	}
	if len(j.Secrets) != 1 {
		t.Errorf("the job's own secrets changed: %v", j.Secrets)
	}
	env, login := SplitSecrets(sent)
	if !cmp.Equal(env, map[string]string{"HF_TOKEN": "hf"}) || login == nil || *login != (RegistryLogin{Username: "bob", Password: "s3cret"}) {
		t.Errorf("split: env %v, login %+v", env, login)
	}
	if env, login := SplitSecrets(map[string]string{"A": "b"}); login != nil || len(env) != 1 {
		t.Errorf("split without a login: env %v, login %+v", env, login)
	}
}

func TestParseExample(t *testing.T) {
	j, err := ReadFile("../../examples/train/job.yaml", 6)
	if err != nil {
		t.Fatal(err)
	}
	if j.Job.Image != "tender/example-train:dev" || j.Requirements.GPUCount != 1 {
		t.Errorf("example: image %q, gpus %d", j.Job.Image, j.Requirements.GPUCount)
	}
	r, err := ReadFile("../../examples/train/replicated.yaml", 6)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verify.Replicas != 2 || len(r.Verify.Paths) != 1 || r.Verify.Paths[0] != "model.json" || r.Job.Image != j.Job.Image {
		t.Errorf("replicated example: verify %+v, image %q", r.Verify, r.Job.Image)
	}
}

func TestParseBad(t *testing.T) {
	const base = "image: x\nmaxDuration: 1h\nmaxPricePerHour: \"100\"\n"
	tests := []struct {
		name, spec string
		field      string // the field the error must name
		says       string // and a word of what is allowed
	}{
		{"empty", "", "", "image, maxDuration and maxPricePerHour"},
		{"unknown top field", base + "gpu: 1\n", "gpu", "allows image, command"},
		{"unknown resource field", base + "resources:\n  vram: 1Gi\n", "resources.vram", "allows gpus, gpuModels"},
		{"no image", "maxDuration: 1h\nmaxPricePerHour: \"1\"\n", "image", "is required"},
		{"no duration", "image: x\nmaxPricePerHour: \"1\"\n", "maxDuration", "is required"},
		{"no price", "image: x\nmaxDuration: 1h\n", "maxPricePerHour", "is required"},
		{"bad duration", "image: x\nmaxDuration: forever\nmaxPricePerHour: \"1\"\n", "maxDuration", `"2h"`},
		{"fractional seconds", "image: x\nmaxDuration: 1500ms\nmaxPricePerHour: \"1\"\n", "maxDuration", "whole seconds"},
		{"too long", "image: x\nmaxDuration: 10000h\nmaxPricePerHour: \"1\"\n", "maxDuration", "at most"},
		{"fraction of a base unit", "image: x\nmaxDuration: 1h\nmaxPricePerHour: \"1.5\"\n", "maxPricePerHour", "tokens/h"},
		{"too many decimals", "image: x\nmaxDuration: 1h\nmaxPricePerHour: 0.0000001 tokens/h\n", "maxPricePerHour", "decimals"},
		{"zero price", "image: x\nmaxDuration: 1h\nmaxPricePerHour: \"0\"\n", "maxPricePerHour", "more than 0"},
		{"price unit", "image: x\nmaxDuration: 1h\nmaxPricePerHour: 3 USD\n", "maxPricePerHour", "base units"},
		{"bid window", base + "bidWindow: 1h\n", "bidWindow", "between"},
		{"memory unit", base + "resources:\n  memory: 16GB\n", "resources.memory", "Gi"},
		{"cpu", base + "resources:\n  cpu: 1.2345\n", "resources.cpu", "millicores"},
		{"cpu zero", base + "resources:\n  cpu: 0m\n", "resources.cpu", "more than 0"},
		{"compute capability", base + "resources:\n  gpus: 1\n  minComputeCapability: eight\n", "resources.minComputeCapability", "major.minor"},
		{"cuda minor", base + "resources:\n  gpus: 1\n  minCuda: \"12.100\"\n", "resources.minCuda", "major.minor"},
		{"gpu requirement without gpus", base + "resources:\n  gpuModels: [H100]\n", "resources.gpuModels", "resources.gpus"},
		{"gpus kind", base + "resources:\n  gpus: two\n", "resources.gpus", "whole number"},
		{"negative reputation floor", base + "minReputation: -1\n", "minReputation", `is "-1": want a whole number, 0 or more`},
		{"fractional reputation floor", base + "minReputation: 2.5\n", "minReputation", "whole number"},
		{"reputation floor in words", base + "minReputation: high\n", "minReputation", "whole number"},
		{"reputation floor as a list", base + "minReputation: [5]\n", "minReputation", "plain value"},
		{"reputation floor over uint64", base + "minReputation: 18446744073709551616\n", "minReputation", "whole number"},
		{"reputation floor under resources", base + "resources:\n  minReputation: 5\n", "resources.minReputation", "allows gpus"},
		{"env name", base + "env: {\"1X\": y}\n", "env.1X", "variable name"},
		{"secret in env", base + "env: {K: v}\nsecrets: {K: w}\n", "secrets.K", "not both"},
		{"reserved", base + "secrets: {TENDER_LEASE_ID: w}\n", "secrets.TENDER_LEASE_ID", "TENDER_"},
		{"two documents", base + "---\nimage: y\n", "", "more than one"},
		{"not yaml", "image: [\n", "", "YAML"},
		{"port 0", base + "expose: [8000, 0]\n", "expose[1]", "from 1 to 65535"},
		{"port over 65535", base + "expose: [70000]\n", "expose[0]", "from 1 to 65535"},
		{"port twice", base + "expose: [8000, 22, 8000]\n", "expose[2]", "8000 is listed twice"},
		{"too many ports", base + "expose: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n", "expose", "at most 16"},
		{"port in words", base + "expose: [http]\n", "expose", "whole number"},
		{"port not in a list", base + "expose: 8000\n", "expose", "list of whole numbers"},
		{"image with space", "image: a b\nmaxDuration: 1h\nmaxPricePerHour: \"1\"\n", "image", "spaces"},
		{"short digest", "image: a@sha256:abc\nmaxDuration: 1h\nmaxPricePerHour: \"1\"\n", "image", "64 lowercase hex"},
		{"other digest", "image: a@md5:" + strings.Repeat("a", 32) + "\nmaxDuration: 1h\nmaxPricePerHour: \"1\"\n", "image", "sha256:"},
		{"registry without password", base + "registry: {username: u}\n", "registry", "both username and password"},
		{"verify without a kind", base + "verify: {paths: [model.json]}\n", "verify", "needs replicas"},
		{"verify without paths", base + "verify: {replicas: 2}\n", "verify.paths", "is required"},
		{"verify with empty paths", base + "verify: {replicas: 2, paths: []}\n", "verify.paths", "is required"},
		{"one replica without a spot check", base + "verify: {replicas: 1, paths: [a]}\n", "verify.replicas", "verifies nothing"},
		{"four replicas", base + "verify: {replicas: 4, paths: [a]}\n", "verify.replicas", "want 2 or 3"},
		{"negative replicas", base + "verify: {replicas: -2, paths: [a]}\n", "verify.replicas", "want 2 or 3"},
		{"replicas in words", base + "verify: {replicas: two, paths: [a]}\n", "verify.replicas", "want 2 or 3"},
		{"fractional replicas", base + "verify: {replicas: 2.5, paths: [a]}\n", "verify.replicas", "want 2 or 3"},
		{"replicas past uint8", base + "verify: {replicas: 258, paths: [a]}\n", "verify.replicas", "want 2 or 3"},
		{"replicas as a list", base + "verify:\n  replicas: [2]\n  paths: [a]\n", "verify.replicas", "plain value"},
		{"replicas and a spot check", base + "verify: {replicas: 2, spotCheck: 0.1, paths: [a]}\n", "verify.replicas", "leave spotCheck out"},
		{"spot check of 0", base + "verify: {spotCheck: 0, paths: [a]}\n", "verify.spotCheck", "checks no order"},
		{"negative spot check", base + "verify: {spotCheck: -0.1, paths: [a]}\n", "verify.spotCheck", "negative"},
		{"spot check above 1", base + "verify: {spotCheck: 1.5, paths: [a]}\n", "verify.spotCheck", "more than every order"},
		{"spot check too fine", base + "verify: {spotCheck: 0.00001, paths: [a]}\n", "verify.spotCheck", "at most 4"},
		{"spot check in words", base + "verify: {spotCheck: sometimes, paths: [a]}\n", "verify.spotCheck", "not a share"},
		{"absolute path", base + "verify: {replicas: 2, paths: [/output/model.json]}\n", "verify.paths[0]", "relative to /output"},
		{"path out of /output", base + "verify: {replicas: 2, paths: [model.json, ../secrets]}\n", "verify.paths[1]", "relative to /output"},
		{"path twice", base + "verify: {replicas: 2, paths: [a, a]}\n", "verify.paths[1]", "named twice"},
		{"path with a newline", base + "verify: {replicas: 2, paths: [\"a\\nb\"]}\n", "verify.paths[0]", "unprintable"},
		{"paths not a list", base + "verify: {replicas: 2, paths: model.json}\n", "verify.paths", "list of values"},
		{"unknown verify field", base + "verify: {replicas: 2, paths: [a], referee: true}\n", "verify.referee", "allows replicas, spotCheck, paths"},
		{"verify not a map", base + "verify: 2\n", "verify", "is not a map of replicas (or spotCheck) and paths"},
		{"registry with a newline", base + "registry: {username: u, password: \"p\\nq\"}\n", "registry", "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.spec), 6)
			if err == nil {
				t.Fatal("Parse: no error")
			}
			if tt.field != "" {
				var fe *auction.FieldError
				found := false
				for _, e := range flatten(err) {
					if errors.As(e, &fe) && fe.Field == tt.field {
						found = true
					}
				}
				if !found {
					t.Errorf("error %q names no field %q", err, tt.field)
				}
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func TestParsePrice(t *testing.T) {
	tests := []struct {
		in       string
		decimals uint8
		want     string
	}{
		{"2500000", 6, "2500000"},
		{"2500000/h", 6, "2500000"},
		{"2.5 tokens/h", 6, "2500000"},
		{"1 token", 18, "1000000000000000000"},
		{"0.000001 tokens/h", 6, "1"},
		{"3 tokens/h", 0, "3"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePrice(tt.in, tt.decimals)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("ParsePrice(%q, %d) = %s, want %s", tt.in, tt.decimals, got, tt.want)
			}
		})
	}
}

func TestFormatTokens(t *testing.T) {
	tests := []struct {
		v    int64
		want string
	}{{2_500_000, "2.5"}, {1, "0.000001"}, {3_000_000, "3"}, {0, "0"}, {-1_500_000, "-1.5"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatTokens(big.NewInt(tt.v), 6); got != tt.want {
				t.Errorf("FormatTokens(%d) = %s, want %s", tt.v, got, tt.want)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	for _, s := range []string{"256Mi", "16Gi", "1Ti", "1536Mi"} {
		mib, err := ParseSize(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatSize(mib); got != s {
			t.Errorf("FormatSize(ParseSize(%q)) = %q", s, got)
		}
	}
}

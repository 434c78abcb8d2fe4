package jobspec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"gopkg.in/yaml.v3"

	"github.com/tender-market/tender/pkg/auction"
)

// MaxSpecBytes caps a job spec file.
const MaxSpecBytes = 256 << 10

// Defaults and bounds of the spec's times.
const (
	DefaultBidWindow = 30 * time.Second
	MinBidWindow     = time.Second
	MaxBidWindow     = 10 * time.Minute
)

// Spec is job.yaml as written. Every field is optional except image,
// maxDuration and maxPricePerHour.
type Spec struct {
	// Image is a container image: one the provider has, or pulls from its
	// registry ("name@sha256:<digest>" pins exactly that content).
	Image string `yaml:"image"`
	// Command replaces the image's CMD.
	Command []string `yaml:"command"`
	// Env is public: it is part of the signed order.
	Env map[string]string `yaml:"env"`
	// Secrets are environment variables kept off the public order: they
	// reach the winning provider only, over an authenticated lease stream.
	Secrets map[string]string `yaml:"secrets"`
	// Registry logs the provider in to the image's registry for the pull:
	// sent with the secrets, never part of the order.
	Registry  *RegistryLogin `yaml:"registry"`
	Resources Resources      `yaml:"resources"`
	// Network gives the container a network; without it, it has none.
	Network bool `yaml:"network"`
	// Expose lists TCP ports of the container the tenant reaches with
	// `tenant forward`: a service. Such a job runs until canceled, its
	// deposit runs out or maxDuration passes.
	Expose []int `yaml:"expose"`
	// MaxDuration is the longest the job may run ("2h").
	MaxDuration string `yaml:"maxDuration"`
	// MaxPricePerHour is the most the tenant pays per hour for the whole
	// order: base units of the payment token ("2500000") or whole tokens
	// ("2.5 tokens/h").
	MaxPricePerHour string `yaml:"maxPricePerHour"`
	// BidWindow is how long providers may bid ("30s", the default).
	BidWindow string `yaml:"bidWindow"`
	// MinReputation is the lowest reputation score (as a broker rates
	// providers), a whole number, a bid's provider needs to win; 0, the
	// default, sets no floor. It is the tenant's own auction rule,
	// published in the transcript, not part of the signed order.
	MinReputation string `yaml:"minReputation"`
	// Verify has the job's result checked by replicas on distinct
	// providers; without it the order is a plain one.
	Verify *VerifySpec `yaml:"verify"`
}

// VerifySpec is how a job's result is checked: by Replicas (2 or 3)
// providers whose results must agree, every run; or, with SpotCheck, by
// one provider and, for that share of orders, a second one the tenant
// runs in secret. Either way the providers are paid once the results are
// compared.
type VerifySpec struct {
	// Replicas is 2 or 3; 1 (or none) with SpotCheck. It is read as text:
	// YAML would turn 2.5 into 2 on its way to an integer.
	Replicas string `yaml:"replicas"`
	// SpotCheck is the share of orders checked: a fraction above 0 and at
	// most 1 with at most 4 decimal places ("0.1"), or a percentage
	// ("10%").
	SpotCheck string `yaml:"spotCheck"`
	// Paths name the files or directories under /output the replicas
	// must agree on (model.json, checkpoints/final).
	Paths []string `yaml:"paths"`
}

// Resources is what the job needs from a provider.
type Resources struct {
	GPUs uint32 `yaml:"gpus"`
	// GPUModels lists acceptable models ("H100" matches "NVIDIA H100 80GB
	// HBM3"); empty accepts any.
	GPUModels []string `yaml:"gpuModels"`
	// MinVRAM is the least memory per GPU ("40Gi").
	MinVRAM string `yaml:"minVram"`
	// MinComputeCapability is "major.minor" ("8.0").
	MinComputeCapability string `yaml:"minComputeCapability"`
	// MinCUDA is the least CUDA driver version, "major.minor" ("12.2").
	MinCUDA string `yaml:"minCuda"`
	// CPU is cores ("2", "0.5") or millicores ("1500m").
	CPU string `yaml:"cpu"`
	// Memory and Disk are sizes: "16Gi", "512Mi", "1G" or bytes.
	Memory string `yaml:"memory"`
	Disk   string `yaml:"disk"`
	// Placement lists provider attributes that must hold, such as
	// region: eu-west.
	Placement map[string]string `yaml:"placement"`
	// AllowSimulated accepts simulated GPUs (demos and tests).
	AllowSimulated bool `yaml:"allowSimulated"`
}

// RegistryLogin is a login to the registry of a job's image.
type RegistryLogin struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// The names under which a job's registry login travels with its secrets
// (names starting with TENDER_ are never a job's own).
const (
	RegistryUsernameSecret = "TENDER_REGISTRY_USERNAME"
	RegistryPasswordSecret = "TENDER_REGISTRY_PASSWORD"
)

// SecretsToSend are the secrets the provider gets: the job's own and its
// registry login.
func (j *Job) SecretsToSend() map[string]string {
	out := maps.Clone(j.Secrets)
	if out == nil {
		out = map[string]string{}
	}
	if j.Registry != nil {
		out[RegistryUsernameSecret], out[RegistryPasswordSecret] = j.Registry.Username, j.Registry.Password
	}
	return out
}

// SplitSecrets parts what the provider got into the job's environment
// and its registry login (nil when none came).
func SplitSecrets(secrets map[string]string) (env map[string]string, login *RegistryLogin) {
	env = maps.Clone(secrets)
	user, hasUser := env[RegistryUsernameSecret]
	pass, hasPass := env[RegistryPasswordSecret]
	delete(env, RegistryUsernameSecret)
	delete(env, RegistryPasswordSecret)
	if hasUser || hasPass {
		login = &RegistryLogin{Username: user, Password: pass}
	}
	return env, login
}

// Job is a parsed, checked job spec: the order's public parts, the
// secrets, and the times that make an order at a given moment.
type Job struct {
	Requirements auction.Requirements
	Job          auction.Job
	Secrets      map[string]string
	// Registry is the login for the image's registry (nil: none).
	Registry        *RegistryLogin
	MaxDuration     time.Duration
	MaxPricePerHour *big.Int
	BidWindow       time.Duration
	// MinReputation is the auction's reputation floor (0: none); see
	// auction.WithMinReputation.
	MinReputation uint64
	// Verify is the order's verify (zero: a plain order).
	Verify auction.Verify
}

// ReadFile parses the job spec at path; see Parse.
func ReadFile(path string, tokenDecimals uint8) (*Job, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("job spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("job spec %s: %w", path, err)
	}
	j, err := Parse(data, tokenDecimals)
	if err != nil {
		return nil, fmt.Errorf("job spec %s: %w", path, err)
	}
	return j, nil
}

// Parse reads a job spec strictly and checks it. tokenDecimals is the
// payment token's decimals, used to convert a price in whole tokens. The
// error lists every problem, each an *auction.FieldError naming the field.
func Parse(data []byte, tokenDecimals uint8) (*Job, error) {
	if len(data) > MaxSpecBytes {
		return nil, fmt.Errorf("is over %d bytes", MaxSpecBytes)
	}
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("is empty: it needs at least image, maxDuration and maxPricePerHour")
		}
		return nil, yamlError(err, data)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("holds more than one YAML document")
	}
	return s.Check(tokenDecimals)
}

// Check converts the spec and reports every problem.
func (s *Spec) Check(tokenDecimals uint8) (*Job, error) {
	var p problems
	j := &Job{Secrets: map[string]string{}}

	j.Job.Image = s.Image
	if s.Image == "" {
		p.add("image", "is required: name a container image, e.g. tender/example-train:dev")
	} else if strings.ContainsFunc(s.Image, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		p.add("image", "%q has spaces or control characters", s.Image)
	} else if _, digest, pinned := strings.Cut(s.Image, "@"); pinned && !imageDigest.MatchString(digest) {
		p.add("image", "%q pins %q: a digest is sha256: and 64 lowercase hex digits (name@sha256:...)", s.Image, digest)
	}
	if r := s.Registry; r != nil {
		switch {
		case r.Username == "" || r.Password == "":
			p.add("registry", "needs both username and password (a token goes in password)")
		case strings.ContainsFunc(r.Username+r.Password, func(c rune) bool { return c < ' ' || c == 0x7f }):
			p.add("registry", "username and password must not hold control characters")
		}
		j.Registry = &RegistryLogin{Username: r.Username, Password: r.Password}
	}
	j.Job.Command = slices.Clone(s.Command)
	j.Job.Network = s.Network
	j.Job.Expose = exposed(&p, s.Expose)
	for _, name := range slices.Sorted(maps.Keys(s.Env)) {
		if !envName.MatchString(name) {
			p.add("env."+name, "is not a variable name: letters, digits and _, not starting with a digit")
		} else if strings.HasPrefix(name, "TENDER_") {
			p.add("env."+name, "names start with TENDER_ only for variables the provider sets")
		}
		j.Job.Env = append(j.Job.Env, auction.EnvVar{Name: name, Value: s.Env[name]})
	}
	for _, name := range slices.Sorted(maps.Keys(s.Secrets)) {
		switch {
		case !envName.MatchString(name):
			p.add("secrets."+name, "is not a variable name: letters, digits and _, not starting with a digit")
		case strings.HasPrefix(name, "TENDER_"):
			p.add("secrets."+name, "names start with TENDER_ only for variables the provider sets")
		case hasKey(s.Env, name):
			p.add("secrets."+name, "is also in env: a variable is either public (env) or secret, not both")
		}
		j.Secrets[name] = s.Secrets[name]
	}

	s.Resources.check(&p, &j.Requirements)
	s.Verify.check(&p, &j.Verify)

	if s.MaxDuration == "" {
		p.add("maxDuration", `is required: how long the job may run, e.g. "2h" or "90m"`)
	} else if d, ok := seconds(&p, "maxDuration", s.MaxDuration); ok {
		if d > auction.MaxDurationLimit*time.Second {
			p.add("maxDuration", "is %s, at most %s", d, auction.MaxDurationLimit*time.Second)
		}
		j.MaxDuration = d
	}
	j.BidWindow = DefaultBidWindow
	if s.BidWindow != "" {
		if d, ok := seconds(&p, "bidWindow", s.BidWindow); ok {
			if d < MinBidWindow || d > MaxBidWindow {
				p.add("bidWindow", "is %s, must be between %s and %s", d, MinBidWindow, MaxBidWindow)
			}
			j.BidWindow = d
		}
	}
	if s.MinReputation != "" {
		// Read as text: YAML would turn 2.5 into 2 on its way to an integer.
		n, err := strconv.ParseUint(s.MinReputation, 10, 64)
		if err != nil {
			p.add("minReputation", "is %q: want a whole number, 0 or more (a broker's reputation score, e.g. 50; 0 sets no floor)", s.MinReputation)
		}
		j.MinReputation = n
	}
	if s.MaxPricePerHour == "" {
		p.add("maxPricePerHour", `is required: the most you pay per hour, in the token's base units ("2500000") or whole tokens ("2.5 tokens/h")`)
	} else if v, err := ParsePrice(s.MaxPricePerHour, tokenDecimals); err != nil {
		p.add("maxPricePerHour", "%v", err)
	} else {
		j.MaxPricePerHour = v
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	// The order format has rules of its own (sizes, counts, text): check a
	// stand-in order so they show up now, not at signing.
	probe := j.Order(common.Address{1}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", time.Unix(1, 0), 1, time.Minute)
	if err := probe.Validate(); err != nil {
		return nil, err
	}
	return j, nil
}

// exposed checks the spec's ports and returns them in ascending order, the
// one order an order lists them in.
func exposed(p *problems, ports []int) []uint16 {
	if len(ports) > auction.MaxExposedPorts {
		p.add("expose", "has %d ports, at most %d", len(ports), auction.MaxExposedPorts)
	}
	var out []uint16
	first := map[int]int{}
	for i, port := range ports {
		f := fmt.Sprintf("expose[%d]", i)
		if port < 1 || port > 65535 {
			p.add(f, "is %d: a TCP port is from 1 to 65535", port)
			continue
		}
		if at, ok := first[port]; ok {
			p.add(f, "port %d is listed twice (also expose[%d]): list each port once", port, at)
			continue
		}
		first[port] = i
		out = append(out, uint16(port))
	}
	slices.Sort(out)
	return out
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

var imageDigest = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

func (r *Resources) check(p *problems, req *auction.Requirements) {
	req.GPUCount = r.GPUs
	if r.GPUs > auction.MaxGPUCount {
		p.add("resources.gpus", "is %d, at most %d", r.GPUs, auction.MaxGPUCount)
	}
	gpuOnly := func(field string) {
		if r.GPUs == 0 {
			p.add("resources."+field, "needs resources.gpus of at least 1 (a job without GPUs has no GPU requirements)")
		}
	}
	for i, m := range r.GPUModels {
		if strings.TrimSpace(m) == "" {
			p.add(fmt.Sprintf("resources.gpuModels[%d]", i), "is empty: name a model such as H100")
		}
	}
	if len(r.GPUModels) > 0 {
		gpuOnly("gpuModels")
		req.GPUModels = slices.Clone(r.GPUModels)
	}
	if r.MinVRAM != "" {
		gpuOnly("minVram")
		req.MinVRAMMiB, _ = sizeMiB(p, "resources.minVram", r.MinVRAM)
	}
	if r.MinComputeCapability != "" {
		gpuOnly("minComputeCapability")
		if maj, minor, ok := version(p, "resources.minComputeCapability", r.MinComputeCapability, 9); ok {
			req.MinComputeCapability = maj*10 + minor
		}
	}
	if r.MinCUDA != "" {
		gpuOnly("minCuda")
		if maj, minor, ok := version(p, "resources.minCuda", r.MinCUDA, 99); ok {
			req.MinCUDAVersion = maj*1000 + minor*10
		}
	}
	if r.CPU != "" {
		req.CPUMillis, _ = cpuMillis(p, "resources.cpu", r.CPU)
	}
	if r.Memory != "" {
		req.MemoryMiB, _ = sizeMiB(p, "resources.memory", r.Memory)
	}
	if r.Disk != "" {
		req.DiskMiB, _ = sizeMiB(p, "resources.disk", r.Disk)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Placement)) {
		req.Placement = append(req.Placement, auction.Attribute{Key: k, Value: r.Placement[k]})
	}
	req.AllowSimulated = r.AllowSimulated
}

// check converts verify (nil: a plain order). The paths are checked
// with the order, by auction's rules.
func (v *VerifySpec) check(p *problems, out *auction.Verify) {
	if v == nil {
		return
	}
	replicas, err := strconv.ParseUint(cmpOr(v.Replicas, "0"), 10, 8)
	switch {
	case err != nil || replicas > auction.MaxVerifyReplicas:
		p.add("verify.replicas", "is %q: want 2 or 3 (or spotCheck, such as 0.1, for a spot check)", v.Replicas)
	case v.SpotCheck != "":
		bps, err := ParseSpotCheck(v.SpotCheck)
		if err != nil {
			p.add("verify.spotCheck", "%v", err)
		}
		if replicas > 1 {
			p.add("verify.replicas", "is %d with spotCheck: a spot check runs one replica, and a second one for a share of orders; for %d replicas every run, leave spotCheck out", replicas, replicas)
		}
		out.Replicas, out.SpotCheckBps = 1, bps
	case replicas == 0:
		p.add("verify", "needs replicas (2 or 3 providers run the job and their results must agree) or spotCheck (a share of orders, such as 0.1, checked by a second provider in secret)")
	case replicas == 1:
		p.add("verify.replicas", "is 1 without spotCheck, which verifies nothing: set replicas to 2 or 3, or a spotCheck such as 0.1")
	default:
		out.Replicas = uint8(replicas)
	}
	if len(v.Paths) == 0 {
		p.add("verify.paths", "is required: name the files or directories under /output the replicas must agree on, e.g. [model.json]")
	}
	out.Paths = slices.Clone(v.Paths)
}

// Order is the job as an order from tenant, auctioned by auctioneer (a
// libp2p peer ID), whose bid window opens at now. Its bid deadline is a
// whole second, rounded up: the window is at least BidWindow long.
// leaseWindow is how long after the window closes the order stays valid
// for opening its lease.
func (j *Job) Order(tenant common.Address, auctioneer string, now time.Time, nonce uint64, leaseWindow time.Duration) auction.Order {
	end := now.Add(j.BidWindow)
	deadline := uint64(end.Unix())
	if end.Nanosecond() > 0 {
		deadline++
	}
	return auction.Order{
		Tenant:          tenant,
		Auctioneer:      auctioneer,
		MaxPricePerHour: new(big.Int).Set(j.MaxPricePerHour),
		MaxDuration:     uint64(j.MaxDuration / time.Second),
		BidDeadline:     deadline,
		Expiry:          deadline + uint64(max(leaseWindow/time.Second, 1)),
		Nonce:           nonce,
		Requirements:    j.Requirements,
		Job:             j.Job,
		Verify:          j.Verify,
	}
}

// problems collects field errors so a user sees them all at once.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, &auction.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }

var unknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type jobspec\.(\w+)$`)

var wrongKind = regexp.MustCompile(`^line (\d+): cannot unmarshal (\S+)(?: ` + "`" + `(.*)` + "`" + `)? into (.+)$`)

// kinds says in words what a Go type of the spec takes.
var kinds = map[string]string{
	"uint32":            "a whole number",
	"int":               "a whole number",
	"[]int":             "a list of whole numbers, e.g. [8000, 8080]",
	"bool":              "true or false",
	"string":            "a plain value",
	"[]string":          `a list of values, e.g. ["a", "b"]`,
	"map[string]string": "a map of names to values",
	"VerifySpec":        "a map of replicas (or spotCheck) and paths, e.g. {replicas: 2, paths: [model.json]}",
}

// yamlError rewrites yaml's messages about Go types into the spec's words.
func yamlError(err error, data []byte) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("is not valid YAML: %w", err)
	}
	var p problems
	var lines map[string]string
	for _, msg := range te.Errors {
		if m := unknownField.FindStringSubmatch(msg); m != nil {
			at, allowed := fieldsOf(m[3])
			p.add(at+m[2], "line %s: unknown field; %s allows %s", m[1], strings.TrimSuffix(cmpOr(at, "the spec"), "."), strings.Join(allowed, ", "))
			continue
		}
		if m := wrongKind.FindStringSubmatch(msg); m != nil {
			if lines == nil {
				lines = fieldLines(data)
			}
			field := cmpOr(lines[m[1]], "spec")
			want := cmpOr(kinds[strings.TrimPrefix(m[4], "jobspec.")], m[4])
			p.add(field, "line %s: %s is not %s", m[1], cmpOr(strconv.Quote(m[3]), m[2]), want)
			continue
		}
		p.add("spec", "%s", strings.ReplaceAll(msg, "jobspec.", ""))
	}
	return p.err()
}

// fieldLines maps a line number to the dotted path of the field whose value
// starts there.
func fieldLines(data []byte) map[string]string {
	out := map[string]string{}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return out
	}
	var walk func(n *yaml.Node, at string)
	walk = func(n *yaml.Node, at string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, at)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				path := at + n.Content[i].Value
				out[strconv.Itoa(n.Content[i+1].Line)] = path
				walk(n.Content[i+1], path+".")
			}
		}
	}
	walk(&doc, "")
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fieldsOf returns where a spec type sits and its YAML field names.
func fieldsOf(typeName string) (at string, names []string) {
	var t reflect.Type
	switch typeName {
	case "Spec":
		t = reflect.TypeFor[Spec]()
	case "Resources":
		t, at = reflect.TypeFor[Resources](), "resources."
	case "VerifySpec":
		t, at = reflect.TypeFor[VerifySpec](), "verify."
	default:
		return "", nil
	}
	for f := range t.Fields() {
		names = append(names, strings.Split(f.Tag.Get("yaml"), ",")[0])
	}
	return at, names
}

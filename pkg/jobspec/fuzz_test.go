package jobspec

import (
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// FuzzParse feeds job.yaml text to the parser: it must not panic, and a
// spec it accepts must make an order that validates.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("../../examples/train/job.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("image: x\nmaxDuration: 1h\nmaxPricePerHour: \"1\"\n"))
	f.Add([]byte("image: x\nmaxDuration: 1h\nmaxPricePerHour: \"1 tokens/h\"\nresources: {gpus: 2, gpuModels: [H100], minVram: 40Gi, cpu: 1500m, memory: 1Gi, disk: 1Ti, minCuda: \"12.2\", minComputeCapability: \"8.0\"}\nbidWindow: 30s\n"))
	f.Add([]byte("image: x\nenv: {A: b}\nsecrets: {S: t}\nmaxDuration: 10m\nmaxPricePerHour: \"0.5 tokens/h\"\n"))
	f.Add([]byte("image: x\nmaxDuration: 10m\nmaxPricePerHour: \"1\"\nminReputation: 20\n"))
	f.Add([]byte("image: x\nmaxDuration: 10m\nmaxPricePerHour: \"1\"\nverify: {replicas: 2, paths: [model.json, metrics]}\n"))
	f.Add([]byte("image: x\nmaxDuration: 10m\nmaxPricePerHour: \"1\"\nverify: {spotCheck: 0.0005, paths: [model.json]}\n"))
	f.Add([]byte("image: x\nmaxDuration: 10m\nmaxPricePerHour: \"1\"\nverify: {spotCheck: 12.5%, paths: [a/b]}\n"))
	f.Add([]byte("{{{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		job, err := Parse(data, 6)
		if err != nil {
			return
		}
		o := job.Order(common.Address{1}, "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", time.Unix(1_800_000_000, 0), 1, 10*time.Minute)
		if err := o.Validate(); err != nil {
			t.Fatalf("an accepted spec makes an invalid order: %v\n%s", err, data)
		}
	})
}

package e2e

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/tender-market/tender/pkg/auction"
	"github.com/tender-market/tender/pkg/executor"
	"github.com/tender-market/tender/pkg/provider"
	"github.com/tender-market/tender/pkg/result"
	"github.com/tender-market/tender/pkg/tenant"
)

// runnerOf is the provider's runner: ex, or with tamper, ex handing back
// a forged /output.
func runnerOf(ex *executor.Executor, tamper bool) provider.Runner {
	if !tamper {
		return ex
	}
	return tampering{ex}
}

// tampering is a cheating provider's runner: its jobs run, and every file
// of their /output archive comes back with a byte appended.
type tampering struct{ *executor.Executor }

func (r tampering) Finish(ctx context.Context, run executor.Run, opts executor.FinishOptions) (executor.Result, error) {
	var real bytes.Buffer
	out := opts.Output
	opts.Output = &real
	res, err := r.Executor.Finish(ctx, run, opts)
	if err != nil || out == nil {
		return res, err
	}
	var forged bytes.Buffer
	tw := tar.NewWriter(&forged)
	tr := tar.NewReader(&real)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return res, err
		}
		if h.Typeflag == tar.TypeReg {
			data = append(data, '!')
			h.Size = int64(len(data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return res, err
		}
		if _, err := tw.Write(data); err != nil {
			return res, err
		}
	}
	if err := tw.Close(); err != nil {
		return res, err
	}
	sum := sha256.Sum256(forged.Bytes())
	res.Output.SHA256, res.Output.Size = hex.EncodeToString(sum[:]), int64(forged.Len())
	_, err = out.Write(forged.Bytes())
	return res, err
}

// TestReplicatedJob runs the example training job (a fixed seed: its
// model.json is the same wherever it runs) on a local market. Two honest
// providers: both replicas agree and are paid. Then a third provider joins
// that cheats (it hands back a model of its own, and bids lowest). Three
// replicas: the two that agree are paid what they ran, the cheat nothing.
// Two replicas, the cheat among them: they disagree, the other honest
// provider referees, the cheat is not paid. Every token is accounted for,
// and the tenant's output is the majority's model.
func TestReplicatedJob(t *testing.T) {
	ex := needImage(t)
	dep := startChain(t)
	specs := []providerSpec{
		{name: "honest-a", machine: "dgxh100", model: "H100", price: "2000000", account: 2},
		{name: "cheat", machine: "dgxh100", model: "H100", price: "1900000", account: 3, tamper: true},
		{name: "honest-b", machine: "dgxh100", model: "H100", price: "2100000", account: 4},
	}
	first := startProvider(t, dep, ex, specs[0])
	ps := []*daemon{first, newDaemon(t, dep, ex, specs[1]), startProvider(t, dep, ex, specs[2], first.node)}
	ts := newTenantSide(t, dep, first.node, ps[2].node)
	accounts := []common.Address{ps[0].addr, ps[1].addr, ps[2].addr, ts.key.Address(), dep.Escrow}

	for _, tt := range []struct {
		name     string
		replicas uint8
		// paid: which providers are paid; ran: which ran a replica.
		paid, ran [3]bool
		referee   bool
		// cheatJoins: the cheat starts before this case.
		cheatJoins bool
	}{
		{"two honest replicas", 2, [3]bool{true, false, true}, [3]bool{true, false, true}, false, false},
		{"three replicas, one cheat", 3, [3]bool{true, false, true}, [3]bool{true, true, true}, false, true},
		{"two replicas and a referee", 2, [3]bool{true, false, true}, [3]bool{true, true, true}, true, false},
	} {
		if tt.cheatJoins {
			ps[1].start(first.node)
			waitPeers(t, ts.node, 3)
		}
		t.Run(tt.name, func(t *testing.T) {
			job := trainJob(t, 20, "5m")
			job.Verify = auction.Verify{Replicas: tt.replicas, Paths: []string{"model.json"}}
			before := balances(t, ts.esc, accounts)
			ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
			defer cancel()
			out := filepath.Join(t.TempDir(), "output.tar")
			res, err := ts.client.Submit(ctx, job, tenant.Options{OutputFile: out, StartTimeout: time.Minute})
			if err != nil {
				t.Fatalf("Submit: %v (replicas %+v)", err, res.Replicas)
			}
			if res.Ending != "GroupSettled" {
				t.Fatalf("not settled: %+v", res.Replicas)
			}
			if got := len(res.Replicas) == 3 && res.Replicas[2].Role == tenant.RoleReferee; got != tt.referee {
				t.Errorf("a referee ran: %v, want %v (replicas %+v)", got, tt.referee, res.Replicas)
			}
			after := balances(t, ts.esc, accounts)
			for i, p := range ps {
				gained := new(big.Int).Sub(after[i], before[i])
				var rep *tenant.Replica
				for j := range res.Replicas {
					if res.Replicas[j].Provider == p.addr {
						rep = &res.Replicas[j]
					}
				}
				switch {
				case (rep != nil) != tt.ran[i]:
					t.Errorf("%s ran a replica: %v, want %v", specs[i].name, rep != nil, tt.ran[i])
				case rep == nil:
				case tt.paid[i] && (!rep.Agreed || rep.Paid == nil || rep.Paid.Sign() <= 0 || gained.Cmp(rep.Paid) != 0):
					t.Errorf("%s: agreed %v, paid %v, gained %s; want agreed and paid what it gained", specs[i].name, rep.Agreed, rep.Paid, gained)
				case !tt.paid[i] && (rep.Agreed || gained.Sign() != 0):
					t.Errorf("%s cheated: agreed %v, gained %s; want not paid", specs[i].name, rep.Agreed, gained)
				}
			}
			spent := new(big.Int).Sub(before[3], after[3])
			if res.Paid.Cmp(spent) != 0 || after[4].Cmp(before[4]) != 0 {
				t.Errorf("the tenant spent %s, the providers were paid %s; the escrow holds %s more", spent, res.Paid, new(big.Int).Sub(after[4], before[4]))
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			d, err := result.Digest(f, job.Verify.Paths)
			f.Close()
			if err != nil || d != res.ResultHash {
				t.Errorf("the output's digest %s (%v), the majority's %s", d.Hex(), err, res.ResultHash.Hex())
			}
			if files := tarNames(t, out); !files["output/model.json"] {
				t.Errorf("output archive holds %v", files)
			}
		})
	}
}

// BenchmarkReplicatedJob times the example training job from submit to
// settled on a local market of two honest providers (real Docker jobs),
// as a plain order and as an order of two replicas, alternating in the
// same run: s-plain and s-replicated per job, and their ratio.
func BenchmarkReplicatedJob(b *testing.B) {
	ex := needImage(b)
	dep := startChain(b)
	first := startProvider(b, dep, ex, providerSpec{name: "a", machine: "dgxh100", model: "H100", price: "2000000", account: 2})
	second := startProvider(b, dep, ex, providerSpec{name: "b", machine: "dgxh100", model: "H100", price: "2100000", account: 3}, first.node)
	ts := newTenantSide(b, dep, first.node, second.node)
	run := func(v auction.Verify) time.Duration {
		job := trainJob(b, 20, "5m")
		job.BidWindow = time.Second
		job.Verify = v
		ctx, cancel := context.WithTimeout(b.Context(), 4*time.Minute)
		defer cancel()
		start := time.Now()
		res, err := ts.client.Submit(ctx, job, tenant.Options{})
		if err != nil || !res.Settled {
			b.Fatalf("%+v: %v", res, err)
		}
		return time.Since(start)
	}
	var plain, replicated time.Duration
	b.ResetTimer()
	for range b.N {
		plain += run(auction.Verify{})
		replicated += run(auction.Verify{Replicas: 2, Paths: []string{"model.json"}})
	}
	b.StopTimer()
	b.ReportMetric(plain.Seconds()/float64(b.N), "s-plain")
	b.ReportMetric(replicated.Seconds()/float64(b.N), "s-replicated")
	b.ReportMetric(replicated.Seconds()/plain.Seconds(), "ratio")
}

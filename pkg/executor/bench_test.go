package executor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/tender-market/tender/internal/testenv"
)

// BenchmarkLeaseStart measures lease start -> container running through the
// Executor (hardened, with its output directory) against a bare
// `docker run --rm --network none` of the same image, in the same run,
// alternating the two. It reports both in ms/op and their ratio; the target
// is a ratio of at most 1.2. For reference it also reports the engine API
// equivalent of docker run (create, start, wait, remove).
func BenchmarkLeaseStart(b *testing.B) {
	cli := needDocker(b)
	dockerCLI, err := exec.LookPath("docker")
	testenv.Need(b, "docker CLI", dockerHow, err)
	ex := newExecutor(b, cli, Config{Logger: discardLogger()})
	ctx := b.Context()
	args := []string{"exit", "0"}

	bare := func() time.Duration {
		start := time.Now()
		out, err := exec.CommandContext(ctx, dockerCLI, append([]string{"run", "--rm", "--network", "none", probeImage}, args...)...).CombinedOutput()
		took := time.Since(start)
		if err != nil {
			b.Fatalf("docker run: %v\n%s", err, out)
		}
		return took
	}
	api := func() time.Duration {
		start := time.Now()
		c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config:     &container.Config{Image: probeImage, Cmd: args},
			HostConfig: &container.HostConfig{NetworkMode: "none"},
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
			b.Fatal(err)
		}
		wr := cli.ContainerWait(ctx, c.ID, client.ContainerWaitOptions{})
		select {
		case <-wr.Result:
		case err := <-wr.Error:
			b.Fatal(err)
		case <-time.After(time.Minute):
			b.Fatal("bare container did not exit within a minute")
		}
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	lease := 0
	executor := func() time.Duration {
		lease++
		job := Job{LeaseID: fmt.Sprintf("0xbench-%d-%d", os.Getpid(), lease), Image: probeImage, Command: args}
		start := time.Now()
		run, err := ex.Start(ctx, job)
		took := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if err := ex.Remove(context.WithoutCancel(ctx), run); err != nil {
			b.Fatal(err)
		}
		return took
	}

	// Warm both paths (image layers, the CLI binary, connections) once.
	bare()
	executor()
	api()

	var n int
	var exTotal, bareTotal, apiTotal time.Duration
	for b.Loop() {
		if n%2 == 0 {
			bareTotal += bare()
			exTotal += executor()
		} else {
			exTotal += executor()
			bareTotal += bare()
		}
		apiTotal += api()
		n++
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(n) / float64(time.Millisecond) }
	b.ReportMetric(ms(exTotal), "executor-ms/op")
	b.ReportMetric(ms(bareTotal), "docker-run-ms/op")
	b.ReportMetric(ms(apiTotal), "api-run-ms/op")
	b.ReportMetric(float64(exTotal)/float64(bareTotal), "ratio")
}

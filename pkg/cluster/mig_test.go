package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/tender-market/tender/internal/testenv"
	"github.com/tender-market/tender/pkg/executor"
)

// TestRunnerMIGSlice: on a node whose device plugin advertises MIG slices
// (nvidia.com/mig-1g.10gb, patched into the test node's status for the
// test), the inventory lists each slice with its profile and memory, and a
// lease given one runs in a pod that asks for that slice and no whole GPU.
func TestRunnerMIGSlice(t *testing.T) {
	r, c := testRunner(t)
	const profile = "1g.10gb"
	resourceName := corev1.ResourceName(resourceMIGPrefix + profile)
	setCapacity(t, c, resourceName, "2")
	inv := c.Inventory(nil)
	testenv.Eventually(t, time.Minute, "the node's slices in the inventory", func() (bool, string, error) {
		snap, err := inv.Refresh(t.Context())
		if err != nil {
			return false, "", err
		}
		var got []string
		for _, d := range snap.Devices {
			if d.MIGProfile != "" {
				got = append(got, fmt.Sprintf("%s %s %d MiB", d.UUID, d.MIGProfile, d.MemoryTotalMiB))
			}
		}
		want := fmt.Sprintf("[%s %s 10240 MiB %s %s 10240 MiB]", MIGSlot("vm", profile, 0), profile, MIGSlot("vm", profile, 1), profile)
		return fmt.Sprint(got) == want, fmt.Sprint(got), nil
	})

	job := runnerJob(t, "say", "ready", "sleep")
	job.GPUUUIDs, job.SimulatedGPUs = []string{MIGSlot("vm", profile, 1)}, true
	run, done, logs := launchReady(t, r, job)
	pod, err := c.Find(t.Context(), job.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	lim := pod.Spec.Containers[0].Resources.Limits
	if q, ok := lim[resourceName]; !ok || q.Value() != 1 {
		t.Errorf("the job's limits %v: want one %s", lim, resourceName)
	}
	if _, ok := lim[ResourceGPU]; ok {
		t.Errorf("the job's limits %v: want no whole GPU", lim)
	}
	if err := r.Cancel(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	if f := <-done; f.err != nil || f.res.Reason != executor.ReasonCanceled || !strings.Contains(logs.String(), "ready") {
		t.Errorf("finish: %+v, %v; log %q", f.res.Exit, f.err, logs.String())
	}
}

// setCapacity gives the test node value of the extended resource name, as
// a device plugin would, until the test ends.
func setCapacity(t *testing.T, c *Cluster, name corev1.ResourceName, value string) {
	t.Helper()
	path := "/status/capacity/" + strings.ReplaceAll(string(name), "/", "~1")
	patch := func(ctx context.Context, op string) error {
		p := fmt.Sprintf(`[{"op":%q,"path":%q,"value":%q}]`, op, path, value)
		if op == "remove" {
			p = fmt.Sprintf(`[{"op":"remove","path":%q}]`, path)
		}
		_, err := admin(t, c).CoreV1().Nodes().Patch(ctx, "vm", types.JSONPatchType, []byte(p), metav1.PatchOptions{}, "status")
		return err
	}
	if err := patch(t.Context(), "add"); err != nil {
		t.Fatalf("give the node %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := patch(ctx, "remove"); err != nil {
			t.Errorf("take %s from the node: %v", name, err)
		}
	})
}

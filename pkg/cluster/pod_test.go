package cluster

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/tender-market/tender/pkg/executor"
)

// TestPodForConfines checks, without a cluster, that a lease's pod is
// confined as Docker jobs are, and asks for exactly what the order bought.
func TestPodForConfines(t *testing.T) {
	job := Job{
		LeaseID: "0x" + strings.Repeat("ab", 32), Image: "tender/example-train:dev", Command: []string{"--epochs", "3"},
		Env: map[string]string{"B": "2", "A": "1"}, Node: "gpu-node-7", GPUs: 2,
		CPUMillicores: 1500, MemoryBytes: 4 << 30, MaxDuration: 90 * time.Minute, OutputLimit: 1 << 30,
	}
	pod, err := PodFor(Config{Namespace: "tender", PullPolicy: corev1.PullNever}, job)
	if err != nil {
		t.Fatal(err)
	}
	spec := pod.Spec
	if pod.Name != "lease-"+strings.Repeat("ab", 32)[:57] || len(pod.Name) > 63 || pod.Namespace != "tender" {
		t.Errorf("pod %s/%s", pod.Namespace, pod.Name)
	}
	if l := pod.Labels[LabelLease]; len(l) > 63 || !strings.HasPrefix(strings.Repeat("ab", 32), l) || pod.Annotations[LabelLease] != job.LeaseID {
		t.Errorf("label %q, annotation %q: want a valid label value and the whole lease ID", l, pod.Annotations[LabelLease])
	}
	if spec.RestartPolicy != corev1.RestartPolicyNever || spec.ActiveDeadlineSeconds == nil || *spec.ActiveDeadlineSeconds != 5400 {
		t.Errorf("restart %s, deadline %v: want Never and 5400 s", spec.RestartPolicy, spec.ActiveDeadlineSeconds)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken || spec.EnableServiceLinks == nil || *spec.EnableServiceLinks {
		t.Error("want no service account token and no service links")
	}
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		t.Error("want no host namespaces")
	}
	psc := spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || *psc.RunAsUser != jobUID || *psc.RunAsGroup != jobUID ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context %+v: want non-root %d and RuntimeDefault seccomp", psc, jobUID)
	}
	if spec.NodeSelector[corev1.LabelHostname] != "gpu-node-7" {
		t.Errorf("node selector %v", spec.NodeSelector)
	}
	if len(spec.Containers) != 1 {
		t.Fatalf("%d containers", len(spec.Containers))
	}
	ctr := spec.Containers[0]
	sc := ctr.SecurityContext
	if sc == nil || *sc.Privileged || *sc.AllowPrivilegeEscalation || !*sc.ReadOnlyRootFilesystem ||
		sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) != 0 {
		t.Errorf("container security context %+v", sc)
	}
	if ctr.ImagePullPolicy != corev1.PullNever || ctr.Image != job.Image || strings.Join(ctr.Args, " ") != "--epochs 3" {
		t.Errorf("image %s (%s), args %v", ctr.Image, ctr.ImagePullPolicy, ctr.Args)
	}
	if len(ctr.Env) != 2 || ctr.Env[0].Name != "A" || ctr.Env[1].Name != "B" {
		t.Errorf("env %v: want A and B, sorted", ctr.Env)
	}
	want := map[corev1.ResourceName]string{corev1.ResourceCPU: "1500m", corev1.ResourceMemory: "4Gi", ResourceGPU: "2"}
	for _, list := range []corev1.ResourceList{ctr.Resources.Requests, ctr.Resources.Limits} {
		if len(list) != len(want) {
			t.Errorf("resources %v, want %v", list, want)
		}
		for name, q := range want {
			if got := list[name]; got.Cmp(resource.MustParse(q)) != 0 {
				t.Errorf("%s = %s, want %s (requests equal to limits)", name, got.String(), q)
			}
		}
	}
	sizes := map[string]int64{}
	for _, v := range spec.Volumes {
		if v.EmptyDir == nil || v.EmptyDir.SizeLimit == nil {
			t.Errorf("volume %s: want a size-limited emptyDir", v.Name)
			continue
		}
		sizes[v.Name] = v.EmptyDir.SizeLimit.Value()
	}
	if sizes["output"] != 1<<30 || sizes["tmp"] != tmpLimit || len(sizes) != 2 {
		t.Errorf("volumes %v: want /output at its limit and /tmp", sizes)
	}

	pol := policyFor("tender", job)
	if len(pol.Spec.Ingress) != 0 || len(pol.Spec.Egress) != 0 || len(pol.Spec.PolicyTypes) != 2 ||
		pol.Spec.PodSelector.MatchLabels[LabelLease] != pod.Labels[LabelLease] {
		t.Errorf("network policy %+v: want both directions denied for the lease's pod", pol.Spec)
	}

	// A MIG slice in place of a whole GPU.
	job.MIG, job.GPUs = map[string]int64{"3g.40gb": 1}, 0
	pod, err = PodFor(Config{Namespace: "tender", PullPolicy: corev1.PullIfNotPresent}, job)
	if err != nil {
		t.Fatal(err)
	}
	lim := pod.Spec.Containers[0].Resources.Limits
	if q := lim["nvidia.com/mig-3g.40gb"]; q.Value() != 1 {
		t.Errorf("limits %v: want one nvidia.com/mig-3g.40gb", lim)
	}
	if _, ok := lim[ResourceGPU]; ok {
		t.Errorf("limits %v: a MIG job asks for no whole GPU", lim)
	}

	// The lease agent beside the job: as confined, /output read-only.
	pod, err = PodFor(Config{Namespace: "tender", PullPolicy: corev1.PullNever, AgentImage: "tender/lease-agent:1"}, job)
	if err != nil {
		t.Fatal(err)
	}
	if len(pod.Spec.Containers) != 2 {
		t.Fatalf("%d containers, want the job and the agent", len(pod.Spec.Containers))
	}
	agent := pod.Spec.Containers[1]
	if agent.Image != "tender/lease-agent:1" || agent.SecurityContext == nil || !*agent.SecurityContext.ReadOnlyRootFilesystem ||
		*agent.SecurityContext.AllowPrivilegeEscalation || agent.SecurityContext.Capabilities.Drop[0] != "ALL" {
		t.Errorf("agent %+v: want the agent image, confined as the job", agent)
	}
	if len(agent.VolumeMounts) != 1 || agent.VolumeMounts[0].MountPath != "/output" || !agent.VolumeMounts[0].ReadOnly {
		t.Errorf("agent mounts %+v: want /output alone, read-only", agent.VolumeMounts)
	}
	if _, ok := agent.Resources.Limits[ResourceGPU]; ok || agent.Resources.Limits.Memory().Cmp(agent.Resources.Requests[corev1.ResourceMemory]) != 0 {
		t.Errorf("agent resources %+v: want no GPU, requests equal to limits", agent.Resources)
	}
	// The agent's containers start at more than a trickle of CPU; the pod
	// holds the job's resources and the agent's beside it, no more (the
	// init containers have the job's), every request equal to its limit
	// (Guaranteed).
	if got, want := podHolds(pod, cpuOf), job.CPUMillicores+agentCPUMillis; got != want {
		t.Errorf("the pod holds %d millicores, want %d", got, want)
	}
	if got, want := podHolds(pod, memoryOf), job.MemoryBytes+agentMemory; got != want {
		t.Errorf("the pod holds %d bytes, want %d", got, want)
	}
	for _, c := range append(slices.Clip(pod.Spec.Containers), pod.Spec.InitContainers...) {
		if !maps.EqualFunc(c.Resources.Requests, c.Resources.Limits, func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 }) {
			t.Errorf("container %s: requests %v, limits %v: want equal", c.Name, c.Resources.Requests, c.Resources.Limits)
		}
		if c.Name != jobContainer && c.Resources.Limits.Cpu().MilliValue() < 100 {
			t.Errorf("container %s: %s of CPU: its start would take seconds", c.Name, c.Resources.Limits.Cpu())
		}
	}

	// With a registry login, the stage pulls the image whatever the node
	// has, so that the registry checks the login; the job's container
	// then uses what the stage pulled.
	job.RegistryAuth = &executor.RegistryAuth{Username: "tenant", Password: "pw"}
	for _, tt := range []struct{ pull, stage corev1.PullPolicy }{
		{corev1.PullIfNotPresent, corev1.PullAlways}, {corev1.PullNever, corev1.PullNever}, {corev1.PullAlways, corev1.PullAlways},
	} {
		pod, err = PodFor(Config{Namespace: "tender", PullPolicy: tt.pull, AgentImage: "tender/lease-agent:1"}, job)
		if err != nil {
			t.Fatal(err)
		}
		if got := pod.Spec.InitContainers[1].ImagePullPolicy; got != tt.stage || pod.Spec.Containers[0].ImagePullPolicy != tt.pull {
			t.Errorf("pulls %s, with a login: the stage pulls %s and the job %s, want %s and %s",
				tt.pull, got, pod.Spec.Containers[0].ImagePullPolicy, tt.stage, tt.pull)
		}
	}
}

func TestPodForRefuses(t *testing.T) {
	good := Job{LeaseID: "0x01", Image: "img", CPUMillicores: 100, MemoryBytes: 1 << 20, OutputLimit: 1 << 20}
	for _, tt := range []struct {
		name string
		edit func(*Job)
	}{
		{"an empty lease ID", func(j *Job) { j.LeaseID = "" }},
		{"a lease ID with a slash", func(j *Job) { j.LeaseID = "0x01/../x" }},
		{"a lease ID too long", func(j *Job) { j.LeaseID = strings.Repeat("a", 129) }},
		{"no image", func(j *Job) { j.Image = "" }},
		{"no memory", func(j *Job) { j.MemoryBytes = 0 }},
		{"no CPU", func(j *Job) { j.CPUMillicores = 0 }},
		{"negative GPUs", func(j *Job) { j.GPUs = -1 }},
		{"no output limit", func(j *Job) { j.OutputLimit = 0 }},
		{"a MIG profile that is not one", func(j *Job) { j.MIG = map[string]int64{"all/../gpu": 1} }},
	} {
		j := good
		tt.edit(&j)
		if _, err := PodFor(Config{Namespace: "tender", PullPolicy: corev1.PullNever}, j); err == nil {
			t.Errorf("%s: PodFor succeeded, want an error", tt.name)
		}
	}
	if _, err := PodFor(Config{Namespace: "tender", PullPolicy: corev1.PullNever}, good); err != nil {
		t.Errorf("the good job: %v", err)
	}
}

func TestWriteNodes(t *testing.T) {
	var b strings.Builder
	err := WriteNodes(&b, []Node{
		{Name: "gpu-1", Ready: true, Schedulable: true, GPUs: 4, Model: "NVIDIA H100 80GB HBM3", MemoryMiB: 81559, ComputeCapability: 90,
			CUDADriver: "550.54.15", CUDARuntime: "12.4", MIG: map[string]int64{"3g.40gb": 2, "1g.10gb": 7}, CPUMillicores: 64000, MemoryBytes: 512 << 30, Simulated: true},
		{Name: "cpu-1", Ready: true, Schedulable: false, CPUMillicores: 8000, MemoryBytes: 32 << 30},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"2 node(s), 4 GPU(s)", "NVIDIA H100 80GB HBM3 (SIMULATED)", "7 x 1g.10gb, 2 x 3g.40gb", "9.0", "550.54.15", "cordoned", "64.0", "512.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

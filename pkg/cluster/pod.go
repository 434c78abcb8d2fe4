package cluster

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/tender-market/tender/pkg/executor"
)

// LabelLease is the label that names a pod's lease.
const LabelLease = "tender.market/lease"

// The pod's containers: the tenant's job, and the provider's lease agent.
const (
	jobContainer   = "job"
	agentContainer = "agent"
	// With the agent, two init containers come first: install copies the
	// agent into the pod, and stage runs it in the tenant's image (pulling
	// it), unpacks the input into /input and holds the job back until
	// the provider launches it (Create, Launch).
	installContainer = "install"
	stageContainer   = "stage"
)

// The agent's path inside the pod, and its volume's size.
const (
	agentPath  = "/tender/lease-agent"
	agentLimit = 64 << 20
)

// What the agent beside the job holds (requests equal to limits): the
// lease's pod holds it on top of what the order buys. A container's
// processes run in its CPU quota, its first one included: at 10m each
// start of an agent container took 2.4 s on the test node, and /output
// comes through the agent at 31 MiB/s with 100m, 81 with 250m and 89 with
// a whole CPU (BenchmarkOutput).
const (
	agentCPUMillis = 250
	agentMemory    = 32 << 20
)

// jobUID is the user jobs run as, as in Docker jobs: nobody.
const jobUID = 65534

// tmpLimit bounds a job's /tmp.
const tmpLimit = 1 << 30

// Job is one lease's work as the cluster runs it.
type Job struct {
	// LeaseID names the lease ("0x3f2a..."): the pod's name and label.
	// Letters, digits, '.', '-' and '_'.
	LeaseID string
	// Image and Command (its arguments to the entrypoint; empty keeps the
	// image's) and Env, as in the order.
	Image   string
	Command []string
	Env     map[string]string
	// Node is the node of the offer the lease won: the pod runs there.
	// Empty lets the scheduler choose.
	Node string
	// GPUs are whole GPUs (nvidia.com/gpu); MIG are MIG slices by profile
	// (nvidia.com/mig-<profile>).
	GPUs int64
	MIG  map[string]int64
	// CPUMillicores and MemoryBytes are requested and limited alike.
	CPUMillicores int64
	MemoryBytes   int64
	// MaxDuration ends the pod (activeDeadlineSeconds); zero is no limit.
	MaxDuration time.Duration
	// OutputLimit bounds /output, in bytes.
	OutputLimit int64
	// InputLimit bounds /input, in bytes, for a pod with the lease agent.
	// Zero is 1 GiB.
	InputLimit int64
	// RegistryAuth, when set, are the credentials Image is pulled with
	// (through a pull secret of the lease's own, see pull.go); unused
	// where the kubelet may not pull (Config.PullPolicy Never). Never
	// logged, never in the pod.
	RegistryAuth *executor.RegistryAuth
	// Expose are TCP ports of the job that the provider may connect to
	// (DialService): at most 16, each 1-65535, no duplicates.
	Expose []uint16
	// Annotations are added to the pod's, for whoever finds it again
	// (Runner keeps the lease's terms there).
	Annotations map[string]string
	// pullAnyway: Image is of a repository pulled with a login
	// (Config.PrivateImages), and the job has none: the stage pulls it
	// whatever the node has, so its registry decides.
	pullAnyway bool
}

var leaseIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

func (j Job) validate() error {
	switch {
	case !leaseIDPattern.MatchString(j.LeaseID):
		return fmt.Errorf("lease ID %q: want 1 to 128 letters, digits, '.', '-' or '_'", j.LeaseID)
	case j.Image == "":
		return errors.New("a job needs an image")
	case j.GPUs < 0 || j.CPUMillicores <= 0 || j.MemoryBytes <= 0 || j.OutputLimit <= 0:
		return fmt.Errorf("job resources: %d GPUs, %d millicores, %d bytes of memory, %d of output: want GPUs >= 0 and the rest > 0",
			j.GPUs, j.CPUMillicores, j.MemoryBytes, j.OutputLimit)
	}
	for profile, n := range j.MIG {
		if !migProfilePattern.MatchString(profile) || n <= 0 {
			return fmt.Errorf("%d MIG slices of profile %q: want more than none of a profile such as 1g.10gb", n, profile)
		}
	}
	if err := executor.CheckPorts(j.Expose); err != nil {
		return fmt.Errorf("exposed ports: %w", err)
	}
	if j.RegistryAuth != nil {
		if err := j.RegistryAuth.Validate(); err != nil {
			return err
		}
		if _, err := executor.RegistryHost(j.Image); err != nil {
			return err
		}
	}
	return nil
}

var migProfilePattern = regexp.MustCompile(`^([0-9]+c\.)?[0-9]+g\.[0-9]+gb(\+[a-z]+)?$`)

// podName is the pod (and network policy) of a lease: "lease-" and the
// start of its label, 63 characters at most, so that it is also a valid
// hostname. A lease ID is 66 characters: a market one is "0x" and a
// 256-bit hash, of which the name keeps 228 bits, more than anyone can
// grind a collision for; and a second lease that shared the name would be
// refused (ErrLeaseHasPod), never given the first one's pod.
func podName(leaseID string) string {
	l := leaseLabel(leaseID)
	return "lease-" + strings.TrimRight(l[:min(57, len(l))], "-")
}

// leaseLabel is the lease's label value: lower case, at most 63
// characters; the annotation LabelLease holds the lease ID whole, and
// Find checks it.
func leaseLabel(leaseID string) string {
	v := lowerName(strings.TrimPrefix(leaseID, "0x"))
	if len(v) > 63 {
		v = v[:63]
	}
	return strings.TrimRight(v, "-")
}

func lowerName(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c == '_' || c == '.':
			b[i] = '-'
		}
	}
	return string(b)
}

// PodFor is the pod that runs job in cfg's namespace: restartPolicy Never,
// its deadline, requests equal to limits, pinned to job.Node, and confined
// as Docker jobs are (see the package doc). With cfg.AgentImage, the lease
// agent runs beside the job, as confined, with /output read-only.
func PodFor(cfg Config, job Job) (*corev1.Pod, error) {
	ns, pull := cfg.Namespace, cfg.PullPolicy
	if err := job.validate(); err != nil {
		return nil, err
	}
	res := corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewMilliQuantity(job.CPUMillicores, resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(job.MemoryBytes, resource.BinarySI),
	}
	if job.GPUs > 0 {
		res[ResourceGPU] = *resource.NewQuantity(job.GPUs, resource.DecimalSI)
	}
	for profile, n := range job.MIG {
		res[corev1.ResourceName(resourceMIGPrefix+profile)] = *resource.NewQuantity(n, resource.DecimalSI)
	}
	var ports []corev1.ContainerPort
	for _, p := range job.Expose {
		ports = append(ports, corev1.ContainerPort{Name: "tcp-" + strconv.Itoa(int(p)), ContainerPort: int32(p), Protocol: corev1.ProtocolTCP})
	}
	env := make([]corev1.EnvVar, 0, len(job.Env))
	for _, k := range slices.Sorted(maps.Keys(job.Env)) {
		env = append(env, corev1.EnvVar{Name: k, Value: job.Env[k]})
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      podName(job.LeaseID),
			Namespace: ns,
			Labels:    map[string]string{LabelLease: leaseLabel(job.LeaseID)},
			// The label holds a form Kubernetes allows (leaseLabel); the
			// annotation the lease ID exactly.
			Annotations: annotations(job, cfg.AgentImage != ""),
		},
		Spec: corev1.PodSpec{
			RestartPolicy:                 corev1.RestartPolicyNever,
			AutomountServiceAccountToken:  ptr.To(false),
			EnableServiceLinks:            ptr.To(false),
			HostNetwork:                   false,
			HostPID:                       false,
			HostIPC:                       false,
			TerminationGracePeriodSeconds: ptr.To[int64](10),
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr.To(true),
				RunAsUser:      ptr.To[int64](jobUID),
				RunAsGroup:     ptr.To[int64](jobUID),
				FSGroup:        ptr.To[int64](jobUID),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name:            jobContainer,
				Image:           job.Image,
				ImagePullPolicy: pull,
				Args:            job.Command,
				Env:             env,
				Ports:           ports,
				Resources:       corev1.ResourceRequirements{Requests: res, Limits: res},
				SecurityContext: &corev1.SecurityContext{
					Privileged:               ptr.To(false),
					AllowPrivilegeEscalation: ptr.To(false),
					ReadOnlyRootFilesystem:   ptr.To(true),
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
				VolumeMounts: []corev1.VolumeMount{
					{Name: "tmp", MountPath: "/tmp"},
					{Name: "output", MountPath: "/output"},
				},
				TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
			}},
			Volumes: []corev1.Volume{
				{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: resource.NewQuantity(tmpLimit, resource.BinarySI)}}},
				{Name: "output", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: resource.NewQuantity(job.OutputLimit, resource.BinarySI)}}},
			},
		},
	}
	if cfg.AgentImage != "" {
		addAgent(pod, cfg.AgentImage, job)
		// The agent stops the job without ending the pod, so its output
		// can still be collected (Cluster.Stop): it needs to see the job's
		// processes. The job sees the agent's too, and can end them as
		// the same user: that only loses its own output.
		pod.Spec.ShareProcessNamespace = ptr.To(true)
	}
	// With the agent, the deadline is set at Launch (Staged.Launch), to
	// count from there.
	if job.MaxDuration > 0 && cfg.AgentImage == "" {
		pod.Spec.ActiveDeadlineSeconds = ptr.To(int64(max(job.MaxDuration.Round(time.Second), time.Second) / time.Second))
	}
	if pullsWithAuth(cfg, job) {
		pod.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: pullSecretName(pod.Name)}}
	}
	if job.Node != "" {
		pod.Spec.NodeSelector = map[string]string{corev1.LabelHostname: job.Node}
	}
	return pod, nil
}

// annotationDeadline is how long a staged pod may run once launched,
// whole seconds: the pod's deadline is set from it at the launch.
const annotationDeadline = "tender.market/pod-deadline"

// annotations are job's annotations with the lease ID whole, the ports
// it exposes and, for a staged job, its deadline.
func annotations(job Job, staged bool) map[string]string {
	a := make(map[string]string, len(job.Annotations)+2)
	maps.Copy(a, job.Annotations)
	a[LabelLease] = job.LeaseID
	if len(job.Expose) > 0 {
		a[annotationExpose] = executor.FormatPorts(job.Expose)
	}
	if staged && job.MaxDuration > 0 {
		a[annotationDeadline] = strconv.FormatInt(int64(max(job.MaxDuration.Round(time.Second), time.Second)/time.Second), 10)
	}
	return a
}

// addAgent puts the lease agent in pod: beside the job, with /output
// read-only, to hand it over (Output); and before it, installed into the
// pod and run in the tenant's image to stage the input (Create, Launch).
func addAgent(pod *corev1.Pod, image string, job Job) {
	res := corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewMilliQuantity(agentCPUMillis, resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(agentMemory, resource.BinarySI),
	}
	// The init containers run before the job, so they may have what it
	// has without the pod holding more: their starts and the input's
	// unpacking go at the job's speed.
	staging := corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewMilliQuantity(max(job.CPUMillicores, agentCPUMillis), resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(max(job.MemoryBytes, agentMemory), resource.BinarySI),
	}
	job0 := &pod.Spec.Containers[0]
	confined := job0.SecurityContext
	inputLimit := job.InputLimit
	if inputLimit <= 0 {
		inputLimit = 1 << 30
	}
	pod.Spec.Volumes = append(pod.Spec.Volumes,
		corev1.Volume{Name: "tender", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: resource.NewQuantity(agentLimit, resource.BinarySI)}}},
		corev1.Volume{Name: "input", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: resource.NewQuantity(inputLimit, resource.BinarySI)}}},
	)
	job0.VolumeMounts = append(job0.VolumeMounts, corev1.VolumeMount{Name: "input", MountPath: "/input", ReadOnly: true})
	pod.Spec.InitContainers = []corev1.Container{
		{
			Name:            installContainer,
			Image:           image,
			ImagePullPolicy: job0.ImagePullPolicy,
			Args:            []string{"install", agentPath},
			Resources:       corev1.ResourceRequirements{Requests: staging, Limits: staging},
			SecurityContext: confined.DeepCopy(),
			VolumeMounts:    []corev1.VolumeMount{{Name: "tender", MountPath: "/tender"}},
		},
		{
			Name:            stageContainer,
			Image:           job0.Image,
			ImagePullPolicy: stagePull(job0.ImagePullPolicy, job),
			Command:         []string{agentPath, "receive", "/input"},
			Stdin:           true,
			StdinOnce:       true,
			Resources:       corev1.ResourceRequirements{Requests: staging, Limits: staging},
			SecurityContext: confined.DeepCopy(),
			VolumeMounts: []corev1.VolumeMount{
				{Name: "tender", MountPath: "/tender", ReadOnly: true},
				{Name: "input", MountPath: "/input"},
			},
		},
	}
	pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{
		Name:            agentContainer,
		Image:           image,
		ImagePullPolicy: job0.ImagePullPolicy,
		Args:            []string{"wait"},
		Resources:       corev1.ResourceRequirements{Requests: res, Limits: res},
		SecurityContext: confined.DeepCopy(),
		VolumeMounts:    []corev1.VolumeMount{{Name: "output", MountPath: "/output", ReadOnly: true}},
	})
}

// stagePull is the stage's pull policy, pull being the job's: with the
// tenant's registry login, the image is pulled whether the node has it or
// not, so the registry checks that login (a wrong one is refused even
// where another lease brought the image); so it is without a login when
// the image's repository was pulled with one before (Job.pullAnyway).
func stagePull(pull corev1.PullPolicy, job Job) corev1.PullPolicy {
	if (job.RegistryAuth != nil || job.pullAnyway) && pull == corev1.PullIfNotPresent {
		return corev1.PullAlways
	}
	return pull
}

// policyFor denies the lease's pod all traffic, in and out. It holds only
// where the cluster's network plugin enforces NetworkPolicy (Calico,
// Cilium, Antrea, kube-router and others do; the plain bridge plugin and
// flannel alone do not).
func policyFor(ns string, job Job) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{
			Name:      podName(job.LeaseID),
			Namespace: ns,
			Labels:    map[string]string{LabelLease: leaseLabel(job.LeaseID)},
		},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{LabelLease: leaseLabel(job.LeaseID)}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		},
	}
}

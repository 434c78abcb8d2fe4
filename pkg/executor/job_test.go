package executor

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

func TestCreateOptions(t *testing.T) {
	cfg := Config{Init: true}.withDefaults()
	gpus := []string{"GPU-aaaa", "GPU-bbbb"}
	base := Job{
		LeaseID:       "0xabc",
		Image:         "tender/example-train:dev",
		Env:           map[string]string{"B": "2", "A": "1"},
		GPUUUIDs:      gpus,
		CPUMillicores: 1500,
		MemoryBytes:   512 << 20,
		PidsLimit:     100,
		MaxDuration:   time.Hour,
		OutputLimit:   1 << 30,
	}
	tests := []struct {
		name string
		job  func(j Job) Job
		// check receives the options built for the job.
		wantDevices []container.DeviceRequest
		wantNetwork container.NetworkMode
		wantCmd     []string
		wantMounts  int
		wantSimEnv  string
		wantExpose  string // the label
	}{
		{
			name:        "real GPUs are attached by UUID only",
			job:         func(j Job) Job { return j },
			wantDevices: []container.DeviceRequest{{Capabilities: [][]string{{"gpu"}}, DeviceIDs: gpus}},
			wantNetwork: "none",
			wantMounts:  1,
			wantSimEnv:  "false",
		},
		{
			name: "MIG slices are attached by their own UUIDs",
			job: func(j Job) Job {
				j.GPUUUIDs = []string{"MIG-4f1b2a3c-0000-5000-8000-000000000001"}
				return j
			},
			wantDevices: []container.DeviceRequest{{Capabilities: [][]string{{"gpu"}}, DeviceIDs: []string{"MIG-4f1b2a3c-0000-5000-8000-000000000001"}}},
			wantNetwork: "none",
			wantMounts:  1,
			wantSimEnv:  "false",
		},
		{
			name:        "simulated GPUs are never attached",
			job:         func(j Job) Job { j.SimulatedGPUs = true; return j },
			wantNetwork: "none",
			wantMounts:  1,
			wantSimEnv:  "true",
		},
		{
			name:        "CPU-only job",
			job:         func(j Job) Job { j.GPUUUIDs = nil; return j },
			wantNetwork: "none",
			wantMounts:  1,
			wantSimEnv:  "false",
		},
		{
			name: "network allowed, command and input given",
			job: func(j Job) Job {
				j.AllowNetwork = true
				j.Command = []string{"-epochs", "3"}
				j.InputDir = "/srv/input"
				j.SimulatedGPUs = true
				return j
			},
			wantNetwork: "tender-lease-0xabc",
			wantCmd:     []string{"-epochs", "3"},
			wantMounts:  2,
			wantSimEnv:  "true",
		},
		{
			name:        "ports exposed without network allowed",
			job:         func(j Job) Job { j.Expose = []uint16{8000, 8080}; return j },
			wantDevices: []container.DeviceRequest{{Capabilities: [][]string{{"gpu"}}, DeviceIDs: gpus}},
			wantNetwork: "tender-lease-0xabc",
			wantMounts:  1,
			wantSimEnv:  "false",
			wantExpose:  "8000,8080",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job := tt.job(base)
			o := createOptions(job, cfg, "/var/lib/tender/output-1")
			hc := o.HostConfig

			if o.Name != "tender-lease-0xabc" {
				t.Errorf("Name = %q, want tender-lease-0xabc", o.Name)
			}
			if diff := cmp.Diff(tt.wantDevices, hc.DeviceRequests); diff != "" {
				t.Errorf("DeviceRequests mismatch (-want +got):\n%s", diff)
			}
			if hc.NetworkMode != tt.wantNetwork {
				t.Errorf("NetworkMode = %q, want %q", hc.NetworkMode, tt.wantNetwork)
			}
			if diff := cmp.Diff(tt.wantCmd, o.Config.Cmd); diff != "" {
				t.Errorf("Cmd mismatch (-want +got):\n%s", diff)
			}
			if len(hc.Mounts) != tt.wantMounts {
				t.Errorf("%d mounts, want %d: %+v", len(hc.Mounts), tt.wantMounts, hc.Mounts)
			}

			// Hardening that every job gets.
			checks := []struct {
				what      string
				got, want any
			}{
				{"User", o.Config.User, "65534:65534"},
				{"CapDrop", hc.CapDrop, []string{"ALL"}},
				{"CapAdd", len(hc.CapAdd), 0},
				{"SecurityOpt", hc.SecurityOpt, []string{"no-new-privileges"}},
				{"ReadonlyRootfs", hc.ReadonlyRootfs, true},
				{"Privileged", hc.Privileged, false},
				{"Tmpfs /tmp", hc.Tmpfs["/tmp"], "rw,nosuid,nodev,size=67108864,mode=1777"},
				{"IpcMode", hc.IpcMode, container.IPCModePrivate},
				{"Memory", hc.Memory, int64(512 << 20)},
				{"MemorySwap", hc.MemorySwap, int64(512 << 20)},
				{"NanoCPUs", hc.NanoCPUs, int64(1_500_000_000)},
				{"PidsLimit", *hc.PidsLimit, int64(100)},
				{"Init", *hc.Init, true},
				{"AutoRemove", hc.AutoRemove, false},
				{"RestartPolicy", hc.RestartPolicy.Name, container.RestartPolicyDisabled},
				{"LogConfig", hc.LogConfig.Config["max-size"], "67108864"},
				{"output mount", hc.Mounts[0], mount.Mount{Type: mount.TypeBind, Source: "/var/lib/tender/output-1", Target: "/output",
					BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate}}},
				{"lease label", o.Config.Labels[labelLease], "0xabc"},
				{"output label", o.Config.Labels[labelOutputDir], "/var/lib/tender/output-1"},
				{"max-duration label", o.Config.Labels[labelMaxDuration], "1h0m0s"},
				{"network label", o.Config.Labels[labelNetwork], map[bool]string{true: "tender-lease-0xabc"}[job.networked()]},
				{"expose label", o.Config.Labels[labelExpose], tt.wantExpose},
				{"published ports", len(hc.PortBindings) + len(o.Config.ExposedPorts), 0},
				{"output-limit label", o.Config.Labels[labelOutputLimit], "1073741824"},
				{"env", o.Config.Env, []string{"A=1", "B=2", "TENDER_LEASE_ID=0xabc",
					"TENDER_GPU_UUIDS=" + strings.Join(job.GPUUUIDs, ","), "TENDER_GPUS_SIMULATED=" + tt.wantSimEnv}},
			}
			for _, c := range checks {
				if diff := cmp.Diff(c.want, c.got); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", c.what, diff)
				}
			}
			if tt.wantMounts == 2 {
				want := mount.Mount{Type: mount.TypeBind, Source: "/srv/input", Target: "/input", ReadOnly: true,
					BindOptions: &mount.BindOptions{Propagation: mount.PropagationRPrivate}}
				if diff := cmp.Diff(want, hc.Mounts[1]); diff != "" {
					t.Errorf("input mount mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestBridgeName(t *testing.T) {
	a, b := bridgeName("0x"+strings.Repeat("a", 64)), bridgeName("0x"+strings.Repeat("b", 64))
	for _, n := range []string{a, b} {
		if len(n) != 15 || !strings.HasPrefix(n, "tnd-") {
			t.Errorf("bridge name %q: want 15 bytes starting with tnd- (the firewall matches tnd-*; Linux allows 15)", n)
		}
	}
	if a == b {
		t.Errorf("two leases share the bridge name %q", a)
	}
}

func TestJobDefaults(t *testing.T) {
	cfg := Config{}.withDefaults()
	got := Job{LeaseID: "0x1", Image: "x"}.withDefaults(cfg)
	if got.CPUMillicores != 1000 || got.MemoryBytes != 1<<30 || got.PidsLimit != 512 || got.OutputLimit != 10<<30 {
		t.Errorf("defaults = %d millicores, %d bytes, %d pids, %d output bytes; want 1000, 1 GiB, 512, 10 GiB",
			got.CPUMillicores, got.MemoryBytes, got.PidsLimit, got.OutputLimit)
	}
	kept := Job{LeaseID: "0x1", Image: "x", CPUMillicores: 250, MemoryBytes: 64 << 20, PidsLimit: 10, OutputLimit: 1 << 20}.withDefaults(cfg)
	if kept.CPUMillicores != 250 || kept.MemoryBytes != 64<<20 || kept.PidsLimit != 10 || kept.OutputLimit != 1<<20 {
		t.Errorf("a job's own limits were replaced: %+v", kept)
	}
}

func TestJobValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	valid := Job{LeaseID: "0xabc", Image: "img", MemoryBytes: 64 << 20, InputDir: dir}
	digest := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		name    string
		edit    func(*Job)
		wantErr string
	}{
		{"valid", func(*Job) {}, ""},
		{"lease ID with a slash", func(j *Job) { j.LeaseID = "0x/../x" }, "lease ID"},
		{"empty lease ID", func(j *Job) { j.LeaseID = "" }, "lease ID"},
		{"no image", func(j *Job) { j.Image = "" }, "no image"},
		{"bad env name", func(j *Job) { j.Env = map[string]string{"A=B": "x"} }, "environment variable"},
		{"relative input", func(j *Job) { j.InputDir = "input" }, "not an absolute path"},
		{"missing input", func(j *Job) { j.InputDir = filepath.Join(dir, "nope") }, "no such file"},
		{"input is a file", func(j *Job) { j.InputDir = file }, "not a directory"},
		{"bad GPU UUID", func(j *Job) { j.GPUUUIDs = []string{"GPU-a,GPU-b"} }, "GPU UUID"},
		{"negative CPU", func(j *Job) { j.CPUMillicores = -1 }, "must not be negative"},
		{"negative output limit", func(j *Job) { j.OutputLimit = -1 }, "must not be negative"},
		{"tiny memory", func(j *Job) { j.MemoryBytes = 1 << 20 }, "below the engine's minimum"},
		{"exposed ports", func(j *Job) { j.Expose = []uint16{1, 8000, 65535} }, ""},
		{"16 exposed ports", func(j *Job) { j.Expose = ports(16) }, ""},
		{"exposed port 0", func(j *Job) { j.Expose = []uint16{8000, 0} }, "port 0, want 1-65535"},
		{"17 exposed ports", func(j *Job) { j.Expose = ports(17) }, "17 ports, want at most 16"},
		{"exposed port twice", func(j *Job) { j.Expose = []uint16{8000, 8080, 8000} }, "port 8000 given twice"},
		{"pinned image", func(j *Job) { j.Image = "registry.example:5000/img@" + digest }, ""},
		{"pinned image with a tag", func(j *Job) { j.Image = "img:v1@" + digest }, ""},
		{"short digest", func(j *Job) { j.Image = "img@" + digest[:70] }, "NAME@sha256:DIGEST"},
		{"upper-case digest", func(j *Job) { j.Image = "img@" + strings.ToUpper(digest) }, "NAME@sha256:DIGEST"},
		{"other algorithm", func(j *Job) { j.Image = "img@sha512:" + digest[7:] }, "NAME@sha256:DIGEST"},
		{"no name", func(j *Job) { j.Image = "@" + digest }, "NAME@sha256:DIGEST"},
		{"two digests", func(j *Job) { j.Image = "img@" + digest + "@" + digest }, "NAME@sha256:DIGEST"},
		{"credentials", func(j *Job) { j.RegistryAuth = &RegistryAuth{Username: "u", Password: "pw-Secret-9"} }, ""},
		{"no user name", func(j *Job) { j.RegistryAuth = &RegistryAuth{Password: "pw-Secret-9"} }, "both a user name and a password"},
		{"no password", func(j *Job) { j.RegistryAuth = &RegistryAuth{Username: "u"} }, "both a user name and a password"},
		{"control character in the user name", func(j *Job) { j.RegistryAuth = &RegistryAuth{Username: "u\n", Password: "pw-Secret-9"} }, "user name has a control character"},
		{"control character in the password", func(j *Job) { j.RegistryAuth = &RegistryAuth{Username: "u", Password: "pw-Secret-9\x7f"} }, "password has a control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := valid
			tt.edit(&j)
			err := j.validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("validate() = %v, want an error containing %q", err, tt.wantErr)
			}
			if a := j.RegistryAuth; a != nil && a.Password != "" && strings.Contains(err.Error(), a.Password) {
				t.Errorf("validate() = %v: it quotes the password", err)
			}
		})
	}
}

// ports is n distinct ports from 8000 up.
func ports(n int) []uint16 {
	p := make([]uint16, n)
	for i := range p {
		p[i] = 8000 + uint16(i)
	}
	return p
}

// TestExposeLabel: exposed ports go into a label and come back from it,
// and a label that is not exactly what the executor writes exposes
// nothing.
func TestExposeLabel(t *testing.T) {
	for _, want := range [][]uint16{nil, {8000}, {1, 65535, 22}, ports(16)} {
		label := FormatPorts(want)
		got, err := ParsePorts(label)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParsePorts(FormatPorts(%v) = %q) = %v, %v; want them back", want, label, got, err)
		}
	}
	for _, label := range []string{
		",", "8000,", ",8000", "8000,,8080", "0", "65536", "-1", "+80", "080", " 80", "80 ", "0x50", "8000;8080",
		"8000,8000", FormatPorts(ports(17)),
	} {
		if got, err := ParsePorts(label); err == nil {
			t.Errorf("ParsePorts(%q) = %v, want an error", label, got)
		}
		run := runFromLabels(map[string]string{labelLease: "0xabc", labelNetwork: "tender-lease-0xabc", labelExpose: label})
		if run.Expose != nil {
			t.Errorf("a run labelled %s=%q exposes %v, want none", labelExpose, label, run.Expose)
		}
	}
	run := runFromLabels(map[string]string{labelLease: "0xabc", labelNetwork: "tender-lease-0xabc", labelExpose: "8000,8080"})
	if !slices.Equal(run.Expose, []uint16{8000, 8080}) || run.Network != "tender-lease-0xabc" {
		t.Errorf("runFromLabels() = exposes %v on %q, want [8000 8080] on tender-lease-0xabc", run.Expose, run.Network)
	}
}

func TestParseUser(t *testing.T) {
	tests := []struct {
		in       string
		uid, gid int
		ok       bool
	}{
		{"65534:65534", 65534, 65534, true},
		{"1000", 1000, 1000, true},
		{"nobody", 0, 0, false},
		{"1000:staff", 0, 0, false},
	}
	for _, tt := range tests {
		uid, gid, ok := parseUser(tt.in)
		if uid != tt.uid || gid != tt.gid || ok != tt.ok {
			t.Errorf("parseUser(%q) = %d, %d, %v; want %d, %d, %v", tt.in, uid, gid, ok, tt.uid, tt.gid, tt.ok)
		}
	}
}

package gpu

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// WriteTable prints snap for a person: a header about the host, then one row
// per GPU, each followed by a row per MIG device when the GPU is in MIG mode
// (profile in the MODEL column; GPU instance, compute instance and SMs in the
// MIG column). A GPU in MIG mode without MIG devices says so in its MIG
// column. A simulated inventory says so in its first line; an empty one says
// why and that CPU-only work can still be offered.
func WriteTable(w io.Writer, snap Snapshot) error {
	ew := &errWriter{w: w}
	if snap.Simulated {
		ew.printf("SIMULATED GPUs (%s): not real hardware, never offered as such\n", snap.Source)
	}
	if len(snap.Devices) == 0 {
		reason := snap.Reason
		if reason == "" {
			reason = "no GPUs found"
		}
		ew.printf("No GPUs: %s.\nThis machine can still offer CPU-only work.\n", reason)
		return ew.err
	}
	migs := 0
	for _, d := range snap.Devices {
		migs += len(d.MIG)
	}
	ew.printf("Driver %s  CUDA %s  NVML %s  %d GPU(s)",
		orDash(snap.DriverVersion), orDash(snap.CUDAVersion()), orDash(snap.NVMLVersion), len(snap.Devices))
	if migs > 0 {
		ew.printf(", %d MIG device(s)", migs)
	}
	ew.printf("\n\n")
	if ew.err != nil {
		return ew.err
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	ew.w = tw
	ew.printf("INDEX\tUUID\tMODEL\tMEMORY MiB\tFREE MiB\tCC\tPCI BUS ID\tMIG\n")
	for _, d := range snap.Devices {
		mig := string(d.MIGMode)
		if d.MIGMode == MIGEnabled && d.MIG != nil && len(d.MIG) == 0 {
			mig += ", no MIG devices"
		}
		ew.printf("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			d.Index, d.UUID, orDash(d.Model),
			orDash(mib(d.MemoryTotalMiB)), orDash(mib(d.MemoryFreeMiB)),
			orDash(d.ComputeCapabilityString()), orDash(d.PCIBusID), orDash(mig))
		for _, m := range d.MIG {
			ew.printf("\t  %s\tMIG %s\t%s\t%s\t\t\tGI %s CI %s, %s SMs\n",
				m.UUID, orDash(m.Profile), orDash(mib(m.MemoryTotalMiB)), orDash(mib(m.MemoryFreeMiB)),
				instanceID(m.GPUInstanceID), instanceID(m.ComputeInstanceID), orDash(count(m.SMCount)))
		}
	}
	if ew.err != nil {
		return ew.err
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write GPU table: %w", err)
	}
	return nil
}

func mib(v uint64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatUint(v, 10)
}

// instanceID formats a MIG instance ID, -1 (unknown) as "-".
func instanceID(id int) string {
	if id < 0 {
		return "-"
	}
	return strconv.Itoa(id)
}

func count(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errWriter keeps the first write error so a table can be printed without
// checking every line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	if _, err := fmt.Fprintf(e.w, format, args...); err != nil {
		e.err = fmt.Errorf("write GPU table: %w", err)
	}
}

package result

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// entry is one entry of a test archive: a regular file unless typ says.
type entry struct {
	name, body string
	typ        byte
}

// archive is a tar stream of entries, as a provider collects /output.
func archive(t *testing.T, entries ...entry) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Mode: 0o644, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			hdr.Size = 0
		}
		if typ == tar.TypeSymlink {
			hdr.Linkname = e.body
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

// vectorArchive is the archive of docs/results.md's vectors: a trained
// model, its metrics and a log that differs from run to run.
func vectorArchive(t *testing.T, log string) *bytes.Reader {
	return archive(t,
		entry{name: "output/", typ: tar.TypeDir},
		entry{name: "output/model.json", body: `{"weights":[0.5,-0.25]}`},
		entry{name: "output/metrics.json", body: `{"testAccuracy":0.98}`},
		entry{name: "output/logs/", typ: tar.TypeDir},
		entry{name: "output/logs/train.log", body: log},
	)
}

func digest(t *testing.T, a *bytes.Reader, paths ...string) string {
	t.Helper()
	d, err := Digest(a, paths)
	if err != nil {
		t.Fatal(err)
	}
	return d.Hex()
}

// TestReplicaDigestVectors keeps docs/results.md's vectors true, and shows
// what a digest over named paths is for: two runs whose logs differ agree
// on the model and metrics, and disagree on the whole /output.
func TestReplicaDigestVectors(t *testing.T) {
	named := digest(t, vectorArchive(t, "epoch 1 took 1.2s\n"), "model.json", "metrics.json")
	if other := digest(t, vectorArchive(t, "epoch 1 took 1.9s\n"), "metrics.json", "model.json"); other != named {
		t.Errorf("runs whose logs differ: %s and %s over model and metrics, want equal", named, other)
	}
	all := digest(t, vectorArchive(t, "epoch 1 took 1.2s\n"))
	if other := digest(t, vectorArchive(t, "epoch 1 took 1.9s\n")); other == all {
		t.Error("runs whose logs differ agree over the whole /output")
	}
	dir := digest(t, vectorArchive(t, "epoch 1 took 1.2s\n"), "logs")
	doc, err := os.ReadFile("../../docs/results.md")
	if err != nil {
		t.Fatal(err)
	}
	for what, v := range map[string]string{"model and metrics": named, "whole /output": all, "the logs directory": dir} {
		t.Logf("%s: %s", what, v)
		if !strings.Contains(string(doc), v) {
			t.Errorf("docs/results.md lacks the digest over %s, %s", what, v)
		}
	}
}

// TestReplicaDigestCanonical: the digest depends on names and contents,
// not on the archive's order, its "./" or "output/" prefix, or entries
// other than regular files.
func TestReplicaDigestCanonical(t *testing.T) {
	want := digest(t, archive(t, entry{name: "output/a", body: "1"}, entry{name: "output/b/c", body: "2"}))
	for name, a := range map[string]*bytes.Reader{
		"reordered":      archive(t, entry{name: "output/b/c", body: "2"}, entry{name: "output/a", body: "1"}),
		"no top dir":     archive(t, entry{name: "a", body: "1"}, entry{name: "b/c", body: "2"}),
		"dot slash":      archive(t, entry{name: "./a", body: "1"}, entry{name: "./b/c", body: "2"}),
		"with dirs/link": archive(t, entry{name: "output/", typ: tar.TypeDir}, entry{name: "output/a", body: "1"}, entry{name: "output/l", body: "a", typ: tar.TypeSymlink}, entry{name: "output/b/c", body: "2"}),
	} {
		if got := digest(t, a); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	for name, a := range map[string]*bytes.Reader{
		"content":       archive(t, entry{name: "output/a", body: "1"}, entry{name: "output/b/c", body: "3"}),
		"name":          archive(t, entry{name: "output/a", body: "1"}, entry{name: "output/b/d", body: "2"}),
		"moved between": archive(t, entry{name: "output/a", body: "12"}, entry{name: "output/b/c", body: ""}),
	} {
		if got := digest(t, a); got == want {
			t.Errorf("%s changed, the digest did not", name)
		}
	}
}

// TestAttackReplicaDigest: what a provider can put in an archive to
// confuse the comparison (a name outside /output, one file twice) and
// what a tenant can put in an order (paths outside /output, too many)
// is refused; a named file that is missing is an error, not an agreement
// over nothing.
func TestAttackReplicaDigest(t *testing.T) {
	for name, tt := range map[string]struct {
		a     *bytes.Reader
		paths []string
		want  error
	}{
		"escape":        {archive(t, entry{name: "output/../etc/passwd", body: "x"}), nil, ErrBadPath},
		"absolute":      {archive(t, entry{name: "/etc/passwd", body: "x"}), nil, ErrBadPath},
		"twice":         {archive(t, entry{name: "output/a", body: "1"}, entry{name: "./a", body: "2"}), nil, ErrDuplicate},
		"missing":       {archive(t, entry{name: "output/a", body: "1"}), []string{"a", "model.json"}, ErrMissing},
		"path escapes":  {archive(t, entry{name: "output/a", body: "1"}), []string{"../a"}, ErrBadPath},
		"path absolute": {archive(t, entry{name: "output/a", body: "1"}), []string{"/a"}, ErrBadPath},
		"path unclean":  {archive(t, entry{name: "output/a", body: "1"}), []string{"b/../a"}, ErrBadPath},
		"path twice":    {archive(t, entry{name: "output/a", body: "1"}), []string{"a", "a"}, ErrBadPath},
		"too many":      {archive(t, entry{name: "output/a", body: "1"}), manyPaths(MaxPaths + 1), ErrBadPath},
	} {
		if _, err := Digest(tt.a, tt.paths); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
	}
	// An archive of more than MaxFiles entries is refused, never held.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i <= MaxFiles; i++ {
		tw.WriteHeader(&tar.Header{Name: "output/d", Typeflag: tar.TypeDir, Mode: 0o755})
	}
	tw.Close()
	if _, err := Digest(&buf, nil); !errors.Is(err, ErrTooManyFiles) {
		t.Errorf("%d entries: %v, want %v", MaxFiles+1, err, ErrTooManyFiles)
	}
}

func manyPaths(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Repeat("p", i+1)
	}
	return out
}

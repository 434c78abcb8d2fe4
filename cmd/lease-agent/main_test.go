package main

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tender-market/tender/internal/testenv"
)

func TestTar(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "output")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "model.json"), []byte(`{"w":[1]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "log.txt"), []byte("epoch 1\n"), 0o644)
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := run([]string{"tar", dir}, &b); err != nil {
		t.Fatal(err)
	}
	got := testenv.Untar(t, &b)
	want := map[string]string{"output/": "", "output/model.json": `{"w":[1]}`, "output/sub/": "", "output/sub/log.txt": "epoch 1\n", "output/link": "/etc/passwd"}
	if len(got) != len(want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	for name, body := range want {
		if got[name] != body {
			t.Errorf("%s = %q, want %q (a link as its target, not followed)", name, got[name], body)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"tar"}, {"rm", "-rf"}, {"wait", "extra"}, {"stop", "-1"}, {"stop", "soon"}} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded, want the usage", args)
		}
	}
	if err := run([]string{"tar", "/nonexistent/output"}, io.Discard); err == nil {
		t.Error("tar of a missing directory succeeded")
	}
}

func tarOf(t *testing.T, entries map[string]string) []byte {
	return testenv.Tar(t, entries).Bytes()
}

func TestReceive(t *testing.T) {
	dir := t.TempDir()
	in := append(tarOf(t, map[string]string{"data/train.csv": "1,2\n", "config.json": "{}"}), launchLine...)
	if err := receive(bytes.NewReader(in), dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "data", "train.csv"))
	if err != nil || string(got) != "1,2\n" {
		t.Errorf("data/train.csv = %q, %v", got, err)
	}
}

// TestReceiveRefuses: input that leaves the directory, that is not a file,
// or that ends without the launch line never lets the job run.
func TestReceiveRefuses(t *testing.T) {
	link := func() []byte {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		tw.WriteHeader(&tar.Header{Name: "passwd", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink})
		tw.Close()
		return b.Bytes()
	}
	for name, in := range map[string][]byte{
		"no launch":          tarOf(t, map[string]string{"a": "1"}),
		"launch misspelt":    append(tarOf(t, map[string]string{"a": "1"}), "lunch\n"...),
		"more after launch":  append(tarOf(t, map[string]string{"a": "1"}), launchLine+"x"...),
		"a name that leaves": append(tarOf(t, map[string]string{"../escape": "1"}), launchLine...),
		"an absolute name":   append(tarOf(t, map[string]string{"/etc/cron.d/x": "1"}), launchLine...),
		"a symbolic link":    append(link(), launchLine...),
		"not a tar":          []byte("launch\n"),
	} {
		dir := t.TempDir()
		if err := receive(bytes.NewReader(in), dir); err == nil {
			t.Errorf("%s: receive succeeded, want an error", name)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(t.TempDir()), "escape")); err == nil {
		t.Error("a file escaped the input directory")
	}
}

func TestInstall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lease-agent")
	if err := run([]string{"install", path}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode()&0o111 == 0 || info.Size() == 0 {
		t.Errorf("installed %v, %v: want an executable copy", info, err)
	}
}

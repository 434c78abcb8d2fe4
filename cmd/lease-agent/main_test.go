package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
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
	got := map[string]string{}
	tr := tar.NewReader(&b)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		got[h.Name] = string(body) + h.Linkname
	}
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
	for _, args := range [][]string{nil, {"tar"}, {"rm", "-rf"}, {"wait", "extra"}} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded, want the usage", args)
		}
	}
	if err := run([]string{"tar", "/nonexistent/output"}, io.Discard); err == nil {
		t.Error("tar of a missing directory succeeded")
	}
}

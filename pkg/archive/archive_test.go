package archive

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tender-market/tender/internal/testenv"
)

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a", "b", "c.txt"), []byte("c"), 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteDir(&buf, dir); err != nil {
		t.Fatal(err)
	}
	got := testenv.Untar(t, &buf)
	if got["a/b/c.txt"] != "c" || len(got) != 3 {
		t.Errorf("archive %v, want a/, a/b/ and a/b/c.txt", got)
	}
	// A link could point anywhere on the sender's machine: refused.
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "a", "link")); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(&buf, dir); err == nil || !strings.Contains(err.Error(), "only files and directories") {
		t.Errorf("a directory with a link: %v, want refused", err)
	}
}

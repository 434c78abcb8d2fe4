package statefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReadList(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	type rec struct {
		N int    `json:"n"`
		S string `json:"s"`
	}
	tests := []struct {
		name string
		in   rec
	}{
		{"first", rec{1, "x"}},
		{"overwrite", rec{2, "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "r.json")
			if err := Write(path, tt.in); err != nil {
				t.Fatal(err)
			}
			var got rec
			if err := Read(path, &got); err != nil {
				t.Fatal(err)
			}
			if got != tt.in {
				t.Errorf("read %+v, want %+v", got, tt.in)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("dir holds %d entries, want 1 (no temporary files left)", len(entries))
	}
	paths, err := List(dir, ".json")
	if err != nil || len(paths) != 1 {
		t.Errorf("List = %v, %v; want one file", paths, err)
	}
	if err := Read(filepath.Join(dir, "none.json"), new(rec)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read of a missing file: %v, want fs.ErrNotExist", err)
	}
	if got, err := List(filepath.Join(dir, "none"), ".json"); err != nil || got != nil {
		t.Errorf("List of a missing dir = %v, %v; want none", got, err)
	}
}

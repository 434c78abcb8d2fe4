package provider

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLogBookFollow(t *testing.T) {
	b := newLogBook(8, "")
	b.Write([]byte("abc"))
	var got bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- b.copyTo(context.Background(), &got, true) }()
	b.Write([]byte("defghij")) // over the cap: "ab" is dropped
	b.end()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a follower did not return after the log ended")
	}
	if s := got.String(); !strings.HasSuffix(s, "ghij") || len(s) < 8 {
		t.Errorf("follower read %q, want the log's last 8 bytes at least", s)
	}
	var all bytes.Buffer
	if err := b.copyTo(context.Background(), &all, false); err != nil || all.String() != "cdefghij" {
		t.Errorf("copyTo = %q, %v; want the last 8 bytes cdefghij", all.String(), err)
	}
}

// TestLogBookKept: an ended log moves to its file, lets its memory go,
// serves a follower that was half-way through, and is taken up by a new
// book (a restarted daemon) as ended.
func TestLogBookKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lease", "logs.txt")
	b := newLogBook(8, path)
	b.Write([]byte("abcdefghij")) // "ab" dropped
	var first bytes.Buffer
	if err := b.copyTo(context.Background(), &first, false); err != nil || first.String() != "cdefghij" {
		t.Fatalf("copyTo = %q, %v", first.String(), err)
	}
	b.end()
	if b.buf != nil || !b.spilled {
		t.Error("an ended log still holds its memory")
	}
	var all bytes.Buffer
	if err := b.copyTo(context.Background(), &all, true); err != nil || all.String() != "cdefghij" {
		t.Errorf("copyTo after the end = %q, %v; want the log from its file", all.String(), err)
	}
	again := newLogBook(8, path)
	var later bytes.Buffer
	if err := again.copyTo(context.Background(), &later, true); err != nil || later.String() != "cdefghij" || !again.done {
		t.Errorf("a new book over the file: %q, %v, done %v; want the log, ended", later.String(), err, again.done)
	}
}

func TestUntar(t *testing.T) {
	tests := []struct {
		name    string
		entries []tar.Header
		err     string
	}{
		{"files and dirs", []tar.Header{{Typeflag: tar.TypeDir, Name: "d/"}, {Typeflag: tar.TypeReg, Name: "d/f.txt", Size: 2}}, ""},
		{"escape", []tar.Header{{Typeflag: tar.TypeReg, Name: "../x", Size: 2}}, "leaves the input directory"},
		{"absolute", []tar.Header{{Typeflag: tar.TypeReg, Name: "/etc/x", Size: 2}}, "leaves the input directory"},
		{"symlink", []tar.Header{{Typeflag: tar.TypeSymlink, Name: "l", Linkname: "/etc/passwd"}}, "only files and directories"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			for _, h := range tt.entries {
				h.Mode = 0o600
				if err := tw.WriteHeader(&h); err != nil {
					t.Fatal(err)
				}
				if h.Typeflag == tar.TypeReg {
					tw.Write([]byte("hi"))
				}
			}
			tw.Close()
			dir := filepath.Join(t.TempDir(), "in")
			_, err := untar(&buf, dir, MaxInputBytes)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("untar error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(filepath.Join(dir, "d", "f.txt"))
			if err != nil || st.Mode().Perm() != 0o644 {
				t.Errorf("unpacked file: %v, mode %v; want mode 0644", err, st.Mode())
			}
		})
	}
}

// FuzzUntar feeds a tenant's input archive to the unpacker: it must not
// panic, write outside its directory, or take more than its limit.
func FuzzUntar(f *testing.F) {
	var good bytes.Buffer
	tw := tar.NewWriter(&good)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "d/", Mode: 0o755})
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "d/f.txt", Mode: 0o644, Size: 2})
	tw.Write([]byte("hi"))
	tw.Close()
	f.Add(good.Bytes())
	var escape bytes.Buffer
	tw = tar.NewWriter(&escape)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "../x", Mode: 0o644, Size: 1})
	tw.Write([]byte("x"))
	tw.Close()
	f.Add(escape.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "in")
		got, err := untar(bytes.NewReader(data), dir, 64)
		if err == nil && got > 64 {
			t.Fatalf("took %d bytes past a limit of 64", got)
		}
		// Nothing may land beside the input directory.
		entries, rerr := os.ReadDir(root)
		if rerr != nil {
			t.Fatal(rerr)
		}
		for _, e := range entries {
			if e.Name() != "in" {
				t.Fatalf("unpacking wrote %s outside the input directory", e.Name())
			}
		}
	})
}

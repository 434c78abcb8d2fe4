package main

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// launchLine is what the provider sends after the input, once the lease's
// billing has started.
const launchLine = "launch\n"

// install copies this binary to path, executable.
func install(path string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	in, err := os.Open(self)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o555)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// receive unpacks the tar archive r starts with into dir, then reads the
// launch line: anything else, or the end of r before it, is an error.
// Entries are regular files and directories under dir; any other kind,
// and a name that leaves dir, is refused.
func receive(r io.Reader, dir string) error {
	br := bufio.NewReader(r)
	tr := tar.NewReader(br)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("input: %w", err)
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("input: %q leaves the input directory", h.Name)
		}
		path := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(path, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, tr); err != nil {
				f.Close()
				return fmt.Errorf("input %s: %w", h.Name, err)
			}
			if err := f.Close(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("input: %q is not a regular file or directory", h.Name)
		}
	}
	// What follows the archive: the end blocks' padding, then the line.
	rest, err := io.ReadAll(io.LimitReader(br, 64<<10))
	if err != nil {
		return err
	}
	if strings.TrimLeft(string(rest), "\x00") != launchLine {
		return errors.New("the input ended without the provider's launch: the job does not run")
	}
	return nil
}

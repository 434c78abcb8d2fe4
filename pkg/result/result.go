// Package result computes a job's result digest: one hash over the files
// of its /output archive that the order names, in a canonical form, so
// that replicas of a job run by different providers can be compared
// without their nondeterministic files (logs, timings) getting in the way.
// docs/results.md describes the form and gives test vectors.
package result

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Version names the canonical form; it opens every digest's input.
const Version = "tender-result/1"

// Limits on what an order may name and an archive may hold.
const (
	// MaxPaths is the most paths an order may name.
	MaxPaths = 64
	// MaxPathBytes is the longest path an order may name.
	MaxPathBytes = 256
	// MaxFiles is the most files an archive may hold for a digest.
	MaxFiles = 100_000
)

// Errors of Digest and CheckPaths.
var (
	// ErrBadPath: a path is not a clean relative path under /output.
	ErrBadPath = errors.New("bad result path")
	// ErrMissing: a path the order names selects no file of the archive.
	ErrMissing = errors.New("the result lacks a file the order names")
	// ErrDuplicate: the archive holds two entries with one name.
	ErrDuplicate = errors.New("the result archive names a file twice")
	// ErrTooManyFiles: the archive holds more than MaxFiles files.
	ErrTooManyFiles = errors.New("the result archive holds too many files")
)

// CheckPaths reports whether paths may stand in an order: at most
// MaxPaths, each a clean relative path (no "..", no leading "/", no
// trailing "/") of at most MaxPathBytes, none twice. No paths select
// every file.
func CheckPaths(paths []string) error {
	if len(paths) > MaxPaths {
		return fmt.Errorf("%w: %d paths, at most %d", ErrBadPath, len(paths), MaxPaths)
	}
	for i, p := range paths {
		if err := checkPath(p); err != nil {
			return err
		}
		if slices.Contains(paths[:i], p) {
			return fmt.Errorf("%w: %q named twice", ErrBadPath, p)
		}
	}
	return nil
}

func checkPath(p string) error {
	switch {
	case p == "" || len(p) > MaxPathBytes:
		return fmt.Errorf("%w: %q: want 1 to %d bytes", ErrBadPath, p, MaxPathBytes)
	case path.IsAbs(p) || path.Clean(p) != p || p == "." || p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("%w: %q: want a clean path relative to /output, such as model.json or checkpoints/final", ErrBadPath, p)
	case strings.ContainsRune(p, 0):
		return fmt.Errorf("%w: %q holds a NUL", ErrBadPath, p)
	}
	return nil
}

// file is one regular file of the archive, as the digest takes it.
type file struct {
	name string
	size uint64
	sum  [32]byte
}

// Digest reads a job's /output archive (a tar stream whose names are
// relative to /output, possibly under a top directory "output/", as the
// provider collects it) and returns the digest over the regular files
// that paths select: a path selects the file of that name and every file
// under the directory of that name; no paths select every file. Each path
// must select at least one file (ErrMissing). Directories, links and
// other entries count for nothing. The digest is
//
//	SHA-256(Version || "\n" || for each selected file, in the byte order
//	    of its name: SHA-256(name) || size as 8 bytes big-endian || SHA-256(content))
func Digest(archive io.Reader, paths []string) (common.Hash, error) {
	if err := CheckPaths(paths); err != nil {
		return common.Hash{}, err
	}
	files, err := read(archive, paths)
	if err != nil {
		return common.Hash{}, err
	}
	for _, p := range paths {
		if !slices.ContainsFunc(files, func(f file) bool { return selects(p, f.name) }) {
			return common.Hash{}, fmt.Errorf("%w: %s", ErrMissing, p)
		}
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	h.Write([]byte(Version + "\n"))
	for _, f := range files {
		name := sha256.Sum256([]byte(f.name))
		h.Write(name[:])
		h.Write(binary.BigEndian.AppendUint64(nil, f.size))
		h.Write(f.sum[:])
	}
	return common.Hash(h.Sum(nil)), nil
}

// read hashes the archive's regular files that paths select.
func read(archive io.Reader, paths []string) ([]file, error) {
	tr := tar.NewReader(archive)
	var files []file
	seen := make(map[string]bool)
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("result archive: %w", err)
		}
		if n >= MaxFiles {
			return nil, fmt.Errorf("%w: more than %d entries", ErrTooManyFiles, MaxFiles)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		name, err := entryName(hdr.Name)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: %s", ErrDuplicate, name)
		}
		seen[name] = true
		if len(paths) > 0 && !slices.ContainsFunc(paths, func(p string) bool { return selects(p, name) }) {
			continue
		}
		h := sha256.New()
		size, err := io.Copy(h, tr)
		if err != nil {
			return nil, fmt.Errorf("result archive: %s: %w", name, err)
		}
		files = append(files, file{name: name, size: uint64(size), sum: [32]byte(h.Sum(nil))})
	}
}

// entryName is an archive entry's name relative to /output.
func entryName(raw string) (string, error) {
	name := strings.TrimPrefix(strings.TrimPrefix(raw, "./"), "output/")
	if name == "" || path.IsAbs(name) || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
		return "", fmt.Errorf("%w: the archive names %q, outside /output", ErrBadPath, raw)
	}
	return name, nil
}

// selects reports whether path p names file name or a directory above it.
func selects(p, name string) bool {
	return name == p || strings.HasPrefix(name, p+"/")
}

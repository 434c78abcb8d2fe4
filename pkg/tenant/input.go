package tenant

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// sendInput streams dir to the provider as a tar archive of its regular
// files and directories.
func sendInput(ctx context.Context, lc LeaseConn, dir string) error {
	size, err := filesSize(dir)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := writeTar(pw, dir)
		pw.CloseWithError(err)
		done <- err
	}()
	_, err = lc.PutInput(ctx, size, pr)
	pr.CloseWithError(io.ErrClosedPipe)
	if terr := <-done; terr != nil && err == nil {
		err = terr
	}
	return err
}

// filesSize is what the regular files under dir hold in all.
func filesSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		info, err := e.Info()
		n += info.Size()
		return err
	})
	return n, err
}

func writeTar(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		switch {
		case e.IsDir():
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: filepath.ToSlash(rel) + "/", Mode: 0o755, ModTime: info.ModTime()})
		case info.Mode().IsRegular():
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: filepath.ToSlash(rel), Mode: 0o644, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.CopyN(tw, f, info.Size())
			return err
		}
		return fmt.Errorf("input %s: only files and directories can be sent", path)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

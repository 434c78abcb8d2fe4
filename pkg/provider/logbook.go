package provider

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// logBook keeps a job's recent output for any number of readers, who may
// follow it as it grows. When the job ends, the book is kept in a file
// (path) and its memory let go: a settled lease's log costs no memory, and
// survives a restart.
type logBook struct {
	mu      sync.Mutex
	buf     []byte
	max     int
	dropped int64 // bytes dropped from the front
	done    bool
	path    string // the file the ended log is kept in ("": memory only)
	spilled bool   // the log is in the file, not in buf
	changed chan struct{}
}

// newLogBook keeps at most max bytes, in path once the log ends; a log
// already kept there (by a previous run) is taken up as ended.
func newLogBook(max int, path string) *logBook {
	b := &logBook{max: max, path: path, changed: make(chan struct{})}
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			b.done, b.spilled = true, true
		}
	}
	return b
}

func (b *logBook) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return len(p), nil // late lines of an ended log
	}
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.dropped += int64(over)
	}
	close(b.changed)
	b.changed = make(chan struct{})
	return len(p), nil
}

// end marks the log complete: followers return once they have read it. It
// moves the log to its file.
func (b *logBook) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	if b.path != "" && writeFile(b.path, b.buf) == nil {
		b.buf, b.spilled = nil, true
	}
	close(b.changed)
	b.changed = make(chan struct{})
}

// seal marks the log complete as it stands, writing nothing: the book of
// a lease read back from disk, whose log (if any) is in its file.
func (b *logBook) seal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.done {
		b.done = true
		close(b.changed)
		b.changed = make(chan struct{})
	}
}

// writeFile writes data to path through a temporary file.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func (b *logBook) copyTo(ctx context.Context, w io.Writer, follow bool) error {
	var pos int64
	for {
		b.mu.Lock()
		if b.spilled {
			from := max(pos-b.dropped, 0)
			b.mu.Unlock()
			return copyFile(w, b.path, from)
		}
		pos = max(pos, b.dropped)
		chunk := append([]byte(nil), b.buf[pos-b.dropped:]...)
		done, changed := b.done, b.changed
		b.mu.Unlock()
		if len(chunk) > 0 {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
			pos += int64(len(chunk))
			continue
		}
		if !follow || done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// copyFile copies path, from offset on, to w; a missing file is empty.
func copyFile(w io.Writer, path string, offset int64) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}

package executor

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"path/filepath"
)

// fileID names a file on this machine, to count hard links once.
type fileID struct{ dev, ino uint64 }

// outputSize measures what the regular files under dir hold, stopping early
// once that is over limit. A file counts as the larger of its length and the
// space allocated to it, so neither sparse nor preallocated files slip by;
// hard-linked files count once. Symbolic links are not followed, and files
// that vanish during the walk are skipped. Any other error (a directory the
// executor may not read, say) is returned: such an output cannot be bounded.
func outputSize(ctx context.Context, dir string, limit int64) (int64, error) {
	var total int64
	seen := make(map[fileID]bool)
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil {
			err = ctx.Err()
		}
		if err != nil || !d.Type().IsRegular() {
			return skipVanished(err)
		}
		fi, err := d.Info()
		if err != nil {
			return skipVanished(err)
		}
		size, id, linked := diskUsage(fi)
		if linked {
			if seen[id] {
				return nil
			}
			seen[id] = true
		}
		total += min(size, math.MaxInt64-total)
		if total > limit {
			return fs.SkipAll
		}
		return nil
	})
	return total, err
}

func skipVanished(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

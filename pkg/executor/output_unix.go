//go:build unix

package executor

import (
	"io/fs"
	"syscall"
)

// diskUsage is the larger of a file's length and the space allocated to it,
// its identity, and whether it has other hard links.
func diskUsage(fi fs.FileInfo) (size int64, id fileID, linked bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fi.Size(), fileID{}, false
	}
	return max(fi.Size(), int64(st.Blocks)*512), fileID{uint64(st.Dev), uint64(st.Ino)}, st.Nlink > 1
}

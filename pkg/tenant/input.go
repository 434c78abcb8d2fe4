package tenant

import (
	"context"
	"fmt"
	"io"

	"github.com/tender-market/tender/pkg/archive"
)

// sendInput streams dir to the provider as a tar archive of its regular
// files and directories.
func sendInput(ctx context.Context, lc LeaseConn, dir string) error {
	size, err := archive.Size(dir)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := archive.WriteDir(pw, dir)
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

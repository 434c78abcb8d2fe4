package testenv

import (
	"bufio"
	"context"
	"fmt"
	"io"
)

// PlayTerminal stands in for a command on a terminal, for the fakes of
// tenant shell: it prints header, answers each line typed on stdin with
// "echo: LINE" ("exit N" ends it with status N) and each size from resize
// with "size " and what size says, every line ended with eol, and ends
// with status 0 when stdin does.
func PlayTerminal[S any](ctx context.Context, header, eol string, stdin io.Reader, out io.Writer, resize <-chan S, size func(S) string) (int, error) {
	fmt.Fprint(out, header+eol)
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case sz := <-resize:
			fmt.Fprint(out, "size "+size(sz)+eol)
		case line, ok := <-lines:
			if !ok {
				return 0, nil
			}
			var code int
			if _, err := fmt.Sscanf(line, "exit %d", &code); err == nil {
				return code, nil
			}
			fmt.Fprint(out, "echo: "+line+eol)
		}
	}
}

package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/tender-market/tender/pkg/network"
)

// terminal is tenant shell's standard input: a terminal in raw mode for
// the session, or any other input, typed as it comes.
type terminal struct {
	fd   int // -1: not a terminal
	old  *unix.Termios
	once sync.Once
}

// openTerminal puts in, when it is a terminal, in raw mode: every key goes
// to the job's terminal as typed, nothing is echoed or interpreted here.
func openTerminal(in io.Reader) (*terminal, error) {
	f, ok := in.(*os.File)
	if !ok {
		return &terminal{fd: -1}, nil
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return &terminal{fd: -1}, nil // not a terminal
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return &terminal{fd: fd, old: old}, nil
}

// restore puts the terminal back as it was.
func (t *terminal) restore() {
	t.once.Do(func() {
		if t.old != nil {
			unix.IoctlSetTermios(t.fd, unix.TCSETS, t.old)
		}
	})
}

// size is the terminal's size, or defaultTermSize for other input.
func (t *terminal) size() network.TermSize {
	if t.fd < 0 {
		return defaultTermSize
	}
	ws, err := unix.IoctlGetWinsize(t.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 || ws.Row == 0 {
		return defaultTermSize
	}
	return network.TermSize{Cols: ws.Col, Rows: ws.Row}
}

// resizes sends the terminal's size each time its window changes, until
// ctx ends; nil for other input.
func (t *terminal) resizes(ctx context.Context) <-chan network.TermSize {
	if t.fd < 0 {
		return nil
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	out := make(chan network.TermSize, 1)
	go func() {
		defer signal.Stop(winch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-winch:
				select {
				case <-out: // only the latest size matters
				default:
				}
				out <- t.size()
			}
		}
	}()
	return out
}

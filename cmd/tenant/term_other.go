//go:build !linux

package main

import (
	"context"
	"io"

	"github.com/tender-market/tender/pkg/network"
)

// terminal is tenant shell's standard input; here, typed as it comes on
// a terminal of defaultTermSize (raw mode needs Linux).
type terminal struct{}

func openTerminal(io.Reader) (*terminal, error)                   { return &terminal{}, nil }
func (*terminal) restore()                                        {}
func (*terminal) size() network.TermSize                          { return defaultTermSize }
func (*terminal) resizes(context.Context) <-chan network.TermSize { return nil }

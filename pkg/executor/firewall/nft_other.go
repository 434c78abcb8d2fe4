//go:build !linux

package firewall

import (
	"errors"
	"fmt"
)

var errNotLinux = fmt.Errorf("nftables table %s: %w: networked jobs are fenced in on Linux only", Table, errors.ErrUnsupported)

// Install fails: nftables is Linux's.
func Install(string) error { return errNotLinux }

// Uninstall fails: nftables is Linux's.
func Uninstall(string) error { return errNotLinux }

// Installed fails: nftables is Linux's.
func Installed(string) (bool, error) { return false, errNotLinux }

// Command lease-agent is the provider's helper container in a Kubernetes
// lease's pod: it shares the job's /output and outlives the job, so the
// provider can collect what the job wrote without a shell or tar in the
// tenant's image.
//
//	lease-agent wait       wait until stopped (SIGTERM): the container's life
//	lease-agent tar DIR    write DIR as a tar archive to stdout, its entries
//	                       under DIR's base name ("output/..."), as Docker's
//	                       copy of a container's directory names them, then
//	                       "sha256=HEX size=N" of the archive to stderr
//	lease-agent install PATH
//	                       copy this binary to PATH, so that it runs in the
//	                       tenant's image too
//	lease-agent receive DIR
//	                       unpack the tar archive on stdin into DIR (regular
//	                       files and directories only, nothing outside DIR),
//	                       then wait for the line "launch" and exit 0; stdin
//	                       that ends without it exits 3, so that a provider
//	                       that goes away before billing starts never lets
//	                       the job run
//	lease-agent stop SECONDS
//	                       end the job beside it (the pod shares one
//	                       process namespace): SIGTERM to the processes of
//	                       the other containers, SIGKILL to those left after
//	                       SECONDS
//
// It is a static binary, run FROM scratch, as the job's user.
package main

import (
	"archive/tar"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lease-agent:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	switch {
	case len(args) == 1 && args[0] == "wait":
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
		return nil
	case len(args) == 2 && args[0] == "tar":
		h := sha256.New()
		cw := &countWriter{w: io.MultiWriter(stdout, h)}
		if err := writeTar(cw, args[1]); err != nil {
			return err
		}
		// What was sent, for the receiver to check it got it whole: a
		// stream from a pod can end early without an error.
		fmt.Fprintf(os.Stderr, "sha256=%x size=%d\n", h.Sum(nil), cw.n)
		return nil
	case len(args) == 2 && args[0] == "install":
		return install(args[1])
	case len(args) == 2 && args[0] == "stop":
		secs, err := strconv.Atoi(args[1])
		if err != nil || secs < 0 {
			return fmt.Errorf("stop %q: want whole seconds", args[1])
		}
		n, err := stopJob("/proc", time.Duration(secs)*time.Second)
		fmt.Fprintf(stdout, "stopped %d processes\n", n)
		return err
	case len(args) == 2 && args[0] == "receive":
		if err := receive(os.Stdin, args[1]); err != nil {
			fmt.Fprintln(os.Stderr, "lease-agent:", err)
			os.Exit(3)
		}
		return nil
	}
	return fmt.Errorf("usage: lease-agent wait | tar DIR | install PATH | receive DIR | stop SECONDS")
}

// writeTar archives dir's regular files, directories and symbolic links
// (as links, never followed) under dir's base name.
func writeTar(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	base := filepath.Base(dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join(base, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		var link string
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		case d.IsDir(), d.Type().IsRegular():
		default:
			return nil // devices, pipes, sockets: not output
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = name
		if d.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uname, hdr.Gname = "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.CopyN(tw, f, hdr.Size); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// countWriter counts what it passes on.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

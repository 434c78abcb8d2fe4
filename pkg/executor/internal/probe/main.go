//go:build linux

// Command probe runs inside a job container in the executor's tests and
// reports what the container lets it do. It is built as a static binary and
// put on an empty image.
//
//	probe check              print a JSON report: user, capabilities, writable paths, network interfaces
//	probe forkbomb           create processes until the kernel refuses; print how many
//	probe oom MIB            allocate and touch MIB mebibytes, 16 MiB at a time
//	probe ticker INTERVAL N  print "tick i" every INTERVAL, N times (0: forever)
//	probe fill KIB HOLD [PATH]  write KIB kibibytes to PATH (/output/fill), then wait HOLD or until SIGTERM
//	probe exit CODE          exit with CODE at once
//	probe connect TIMEOUT ADDR:PORT...
//	                         open a TCP connection to each address at once, each within TIMEOUT,
//	                         read what the listener says first; print one JSON Verdict a line, in order.
//	                         The host "gateway" is the default route's gateway.
//	probe serve PORT GREETING
//	                         listen on TCP PORT (all addresses), print "listening", answer each
//	                         connection with GREETING and a newline, until SIGTERM
//	probe echo PORT          listen on TCP PORT (all addresses), print "listening", and send back
//	                         everything each connection sends; when the peer closes its write
//	                         side, close ours once all is sent, then the connection; until SIGTERM
//	probe tty                on a terminal: print "tty COLSxROWS uid=UID"; then for each line read,
//	                         "size" prints "size COLSxROWS", "exit N" exits with N, and any other
//	                         prints "echo: LINE"; exit 0 at the end of input
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: probe check|forkbomb|oom MIB|ticker INTERVAL N|fill KIB HOLD [PATH]|exit CODE|connect TIMEOUT ADDR:PORT...|serve PORT GREETING|echo PORT|tty|echo PORT")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "check":
		err = check()
	case "forkbomb":
		err = forkbomb()
	case "oom":
		err = oom(os.Args[2:])
	case "ticker":
		err = ticker(os.Args[2:])
	case "fill":
		err = fill(os.Args[2:])
	case "connect":
		err = connect(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	case "echo":
		err = echo(os.Args[2:])
	case "tty":
		err = tty()
	case "exit":
		code, convErr := strconv.Atoi(arg(os.Args[2:], 0))
		if convErr != nil {
			err = convErr
			break
		}
		os.Exit(code)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
}

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// Report is what check prints.
type Report struct {
	UID           int               `json:"uid"`
	GID           int               `json:"gid"`
	CapEff        string            `json:"capEff"`
	CapPrm        string            `json:"capPrm"`
	CapBnd        string            `json:"capBnd"`
	NoNewPrivs    string            `json:"noNewPrivs"`
	Writes        map[string]string `json:"writes"` // path -> "ok" or the error
	InputFiles    []string          `json:"inputFiles"`
	Interfaces    []string          `json:"interfaces"`
	Env           map[string]string `json:"env"`
	InterfacesErr string            `json:"interfacesErr,omitempty"`
	InputFilesErr string            `json:"inputFilesErr,omitempty"`
	ProcStatusErr string            `json:"procStatusErr,omitempty"`
}

func check() error {
	r := Report{UID: os.Getuid(), GID: os.Getgid(), Writes: map[string]string{}, Env: map[string]string{}}

	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		r.ProcStatusErr = err.Error()
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "CapEff":
			r.CapEff = v
		case "CapPrm":
			r.CapPrm = v
		case "CapBnd":
			r.CapBnd = v
		case "NoNewPrivs":
			r.NoNewPrivs = v
		}
	}

	for _, p := range []string{"/probe-was-here", "/etc/probe-was-here", "/tmp/probe-was-here", "/input/probe-was-here", "/output/probe-was-here"} {
		if err := os.WriteFile(p, []byte("probe\n"), 0o644); err != nil {
			r.Writes[p] = cause(err)
		} else {
			r.Writes[p] = "ok"
		}
	}

	err = filepath.WalkDir("/input", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			r.InputFiles = append(r.InputFiles, path)
		}
		return nil
	})
	if err != nil {
		r.InputFilesErr = err.Error()
	}

	ifaces, err := net.Interfaces()
	if err != nil {
		r.InterfacesErr = err.Error()
	}
	for _, i := range ifaces {
		r.Interfaces = append(r.Interfaces, i.Name)
	}
	sort.Strings(r.Interfaces)

	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && (strings.HasPrefix(k, "TENDER_") || strings.HasPrefix(k, "PROBE_")) {
			r.Env[k] = v
		}
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

// cause drops the path from a file error, leaving e.g. "read-only file
// system".
func cause(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sleepFor is what forked children sleep on; it lives outside the children's
// stacks so they allocate nothing.
var sleepFor = syscall.Timespec{Sec: 3600}

// forkbomb forks bare children that only sleep until fork fails, then reports.
// The children are raw clones that never return into the Go runtime, so each
// costs exactly one task of the pids limit and the parent needs no new threads.
func forkbomb() error {
	// The cap keeps a container without a pids limit from flooding the host.
	const maxForks = 1000
	forked := 0
	for forked < maxForks {
		pid, _, errno := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
		if errno != 0 {
			out, _ := json.Marshal(map[string]any{"forked": forked, "error": errno.Error()})
			fmt.Println(string(out))
			return nil
		}
		if pid == 0 {
			for {
				syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&sleepFor)), 0, 0)
			}
		}
		forked++
	}
	return fmt.Errorf("forked %d processes and the kernel never refused", forked)
}

func oom(args []string) error {
	mib, err := strconv.Atoi(arg(args, 0))
	if err != nil || mib <= 0 {
		return fmt.Errorf("oom wants a positive number of MiB, got %q", arg(args, 0))
	}
	const chunk = 16
	var held [][]byte
	for total := chunk; total <= mib; total += chunk {
		b := make([]byte, chunk<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		held = append(held, b)
		fmt.Printf("allocated %d MiB\n", total)
	}
	fmt.Printf("survived holding %d MiB\n", len(held)*chunk)
	return nil
}

func ticker(args []string) error {
	every, err := time.ParseDuration(arg(args, 0))
	if err != nil {
		return fmt.Errorf("ticker interval: %w", err)
	}
	n, err := strconv.Atoi(arg(args, 1))
	if err != nil {
		return fmt.Errorf("ticker count: %w", err)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for i := 1; n == 0 || i <= n; i++ {
		fmt.Printf("tick %d\n", i)
		if n != 0 && i == n {
			break
		}
		<-t.C
	}
	return nil
}

func fill(args []string) error {
	kib, err := strconv.Atoi(arg(args, 0))
	if err != nil || kib < 0 {
		return fmt.Errorf("fill wants a number of KiB, got %q", arg(args, 0))
	}
	hold, err := time.ParseDuration(arg(args, 1))
	if err != nil {
		return fmt.Errorf("fill hold: %w", err)
	}
	path := "/output/fill"
	if len(args) > 2 {
		path = args[2]
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	chunk := make([]byte, 1<<10)
	for i := range chunk {
		chunk[i] = byte(i)
	}
	for range kib {
		if _, err := f.Write(chunk); err != nil {
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("wrote %d KiB\n", kib)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	select {
	case <-term:
		return errors.New("terminated")
	case <-time.After(hold):
		return nil
	}
}

// Verdict is what connect prints for one address.
type Verdict struct {
	Addr string `json:"addr"`
	// Reached: a connection opened.
	Reached bool `json:"reached"`
	// Greeting is the first line the listener sent, if any.
	Greeting string `json:"greeting,omitempty"`
	Error    string `json:"error,omitempty"`
}

func connect(args []string) error {
	timeout, err := time.ParseDuration(arg(args, 0))
	if err != nil || len(args) < 2 {
		return fmt.Errorf("connect wants a timeout and addresses, got %q", args)
	}
	addrs := args[1:]
	verdicts := make([]Verdict, len(addrs))
	done := make(chan struct{})
	for i, a := range addrs {
		go func() {
			defer func() { done <- struct{}{} }()
			verdicts[i] = dial(a, timeout)
		}()
	}
	for range addrs {
		<-done
	}
	enc := json.NewEncoder(os.Stdout)
	for _, v := range verdicts {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

func dial(addr string, timeout time.Duration) Verdict {
	v := Verdict{Addr: addr}
	if port, ok := strings.CutPrefix(addr, "gateway:"); ok {
		gw, err := defaultGateway()
		if err != nil {
			v.Error = err.Error()
			return v
		}
		addr = net.JoinHostPort(gw.String(), port)
	}
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	defer c.Close()
	v.Reached = true
	_ = c.SetReadDeadline(time.Now().Add(timeout))
	line, err := bufio.NewReader(io.LimitReader(c, 256)).ReadString('\n')
	v.Greeting = strings.TrimSpace(line)
	if err != nil {
		v.Error = "read: " + err.Error()
	}
	return v
}

func serve(args []string) error {
	port, err := strconv.Atoi(arg(args, 0))
	if err != nil || port <= 0 || len(args) < 2 {
		return fmt.Errorf("serve wants a port and a greeting, got %q", args)
	}
	greeting := args[1]
	return listenUntilTerm(port, func(c net.Conn) {
		fmt.Fprintf(c, "%s\n", greeting)
		c.Close()
	})
}

func echo(args []string) error {
	port, err := strconv.Atoi(arg(args, 0))
	if err != nil || port <= 0 || port > 65535 || len(args) != 1 {
		return fmt.Errorf("echo wants a port, got %q", args)
	}
	return listenUntilTerm(port, func(c net.Conn) {
		go func() {
			defer c.Close()
			// Copy returns at the peer's EOF, all of it written back.
			if _, err := io.Copy(c, c); err != nil {
				fmt.Fprintln(os.Stderr, "probe: echo:", err)
				return
			}
			if err := c.(*net.TCPConn).CloseWrite(); err != nil {
				fmt.Fprintln(os.Stderr, "probe: echo:", err)
			}
		}()
	})
}

// listenUntilTerm listens on TCP port (all addresses), prints "listening"
// and hands each connection to handle, until SIGTERM.
func listenUntilTerm(port int, handle func(net.Conn)) error {
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return err
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go func() {
		<-term
		l.Close()
	}()
	fmt.Println("listening")
	for {
		c, err := l.Accept()
		if err != nil {
			return nil // closed on SIGTERM
		}
		handle(c)
	}
}

// defaultGateway reads the default route's gateway from /proc/net/route.
func defaultGateway() (net.IP, error) {
	b, err := os.ReadFile("/proc/net/route")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] != "00000000" {
			continue
		}
		gw, err := strconv.ParseUint(f[2], 16, 32)
		if err != nil {
			return nil, fmt.Errorf("/proc/net/route gateway %q: %w", f[2], err)
		}
		// Written in the host's byte order, little-endian here.
		return net.IPv4(byte(gw), byte(gw>>8), byte(gw>>16), byte(gw>>24)), nil
	}
	return nil, errors.New("no default route")
}

// tty answers lines typed on its terminal (standard input), reporting the
// terminal's size when asked.
func tty() error {
	size := func() (string, error) {
		ws, err := unix.IoctlGetWinsize(0, unix.TIOCGWINSZ)
		if err != nil {
			return "", fmt.Errorf("standard input is not a terminal: %w", err)
		}
		return fmt.Sprintf("%dx%d", ws.Col, ws.Row), nil
	}
	sz, err := size()
	if err != nil {
		return err
	}
	fmt.Printf("tty %s uid=%d\n", sz, os.Getuid())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		switch {
		case line == "size":
			sz, err := size()
			if err != nil {
				return err
			}
			fmt.Printf("size %s\n", sz)
		case strings.HasPrefix(line, "exit "):
			code, err := strconv.Atoi(strings.TrimPrefix(line, "exit "))
			if err != nil {
				return err
			}
			os.Exit(code)
		default:
			fmt.Printf("echo: %s\n", line)
		}
	}
	return in.Err()
}

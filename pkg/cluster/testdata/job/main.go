// Command job is the cluster tests' job image: a static binary run FROM
// scratch, doing what its arguments say, in order:
//
//	say TEXT        print TEXT
//	cat PATH        print the file at PATH
//	whoami          print uid, gid, whether the root filesystem is
//	                writable, and the capability and no-new-privileges
//	                lines of /proc/self/status
//	write PATH TEXT write TEXT to PATH
//	fill PATH N     write N MiB to PATH
//	oom             allocate memory until killed
//	sleep           block until killed
//	killall         SIGKILL every other process it can see but the
//	                pod's first, once there is one (an attack on the
//	                lease agent beside it)
//	serve PORT      listen on PORT (all addresses), say "ready", and
//	                serve until killed: each connection gets "hello from
//	                the job" and then what it sends, echoed, until it
//	                closes its side, and then "bye"
//	exit N          exit with status N
package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	for len(args) > 0 {
		switch args[0] {
		case "cat":
			b, err := os.ReadFile(args[1])
			if err != nil {
				fmt.Println("cat:", err)
				os.Exit(2)
			}
			fmt.Print(string(b))
			args = args[2:]
		case "say":
			fmt.Println(args[1])
			args = args[2:]
		case "whoami":
			fmt.Printf("uid=%d gid=%d\n", os.Getuid(), os.Getgid())
			if err := os.WriteFile("/probe", []byte("x"), 0o600); err != nil {
				fmt.Println("rootfs read-only")
			} else {
				fmt.Println("rootfs writable")
			}
			status, _ := os.ReadFile("/proc/self/status")
			for _, line := range strings.Split(string(status), "\n") {
				if strings.HasPrefix(line, "CapEff:") || strings.HasPrefix(line, "CapPrm:") || strings.HasPrefix(line, "NoNewPrivs:") {
					fmt.Println(strings.Join(strings.Fields(line), " "))
				}
			}
			args = args[1:]
		case "write":
			if err := os.WriteFile(args[1], []byte(args[2]), 0o644); err != nil {
				fmt.Println("write:", err)
				os.Exit(2)
			}
			args = args[3:]
		case "fill":
			n, _ := strconv.Atoi(args[2])
			if err := os.WriteFile(args[1], bytes.Repeat([]byte{'x'}, n<<20), 0o644); err != nil {
				fmt.Println("fill:", err)
				os.Exit(2)
			}
			args = args[3:]
		case "oom":
			var keep [][]byte
			for {
				b := make([]byte, 8<<20)
				for i := range b {
					b[i] = 1
				}
				keep = append(keep, b)
			}
		case "sleep":
			stop := make(chan os.Signal, 1)
			signal.Notify(stop, syscall.SIGTERM)
			<-stop
			fmt.Println("stopped")
			os.Exit(143)
		case "killall":
			// The agent's container starts after the job's: wait for it.
			for killed := 0; killed == 0; time.Sleep(100 * time.Millisecond) {
				entries, err := os.ReadDir("/proc")
				if err != nil {
					fmt.Println("killall:", err)
					os.Exit(2)
				}
				for _, e := range entries {
					if pid, err := strconv.Atoi(e.Name()); err == nil && pid != 1 && pid != os.Getpid() {
						if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
							fmt.Println("kill", pid, err)
						} else {
							fmt.Println("killed", pid)
							killed++
						}
					}
				}
			}
			args = args[1:]
		case "serve":
			l, err := net.Listen("tcp", ":"+args[1])
			if err != nil {
				fmt.Println("serve:", err)
				os.Exit(2)
			}
			fmt.Println("ready")
			for {
				c, err := l.Accept()
				if err != nil {
					fmt.Println("serve:", err)
					os.Exit(2)
				}
				go func() {
					defer c.Close()
					io.WriteString(c, "hello from the job\n")
					io.Copy(c, c)
					io.WriteString(c, "bye\n")
				}()
			}
		case "exit":
			n, _ := strconv.Atoi(args[1])
			os.Exit(n)
		default:
			fmt.Println("unknown step", args[0])
			os.Exit(2)
		}
	}
}

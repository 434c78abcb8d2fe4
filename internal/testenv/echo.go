package testenv

import (
	"io"
	"net"
)

// Echo sends back what c sends, closes its write side when c's peer
// closes its own, reads on until the peer closes, and closes c: a
// service's connection in the tests of forwards.
func Echo(c *net.TCPConn) {
	defer c.Close()
	if _, err := io.Copy(c, c); err == nil {
		c.CloseWrite()
	}
	io.Copy(io.Discard, c)
}

package tenant

import (
	"strings"
	"testing"
)

func TestParsePortForward(t *testing.T) {
	for _, c := range []struct {
		in   string
		want PortForward
		err  string
	}{
		{"8000", PortForward{Local: 8000, Port: 8000}, ""},
		{"9000:8000", PortForward{Local: 9000, Port: 8000}, ""},
		{"0:8000", PortForward{Local: 0, Port: 8000}, ""},
		{"0", PortForward{}, "job's port"},
		{"8000:0", PortForward{}, "job's port"},
		{"70000", PortForward{}, "job's port"},
		{"x:8000", PortForward{}, "local port"},
		{"1.2.3.4:80:8000", PortForward{}, "job's port"},
		{"", PortForward{}, "job's port"},
	} {
		got, err := ParsePortForward(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "[LOCAL:]PORT") {
				t.Errorf("%q: %+v, %v; want an error about the %s, saying the form", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

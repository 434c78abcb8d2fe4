package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tender-market/tender/pkg/connect"
)

// testRoot is a root with one subcommand "show" that prints its settings.
func testRoot(env *Env, got *settings) *cobra.Command {
	root := NewRoot("tool", "a tool", "a tool for tests", env)
	show := &cobra.Command{
		Use:  "show",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env.Logger.Debug("shown")
			return nil
		},
	}
	show.Flags().StringVar(&got.RPC, "rpc-url", "http://default", "RPC endpoint")
	show.Flags().StringSliceVar(&got.Peers, "bootstrap", nil, "bootstrap peers")
	show.Flags().IntVar(&got.Workers, "workers", 1, "workers")
	root.AddCommand(show)
	return root
}

type settings struct {
	RPC     string
	Peers   []string
	Workers int
}

func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "tool.yaml")
	if err := os.WriteFile(cfg, []byte("rpc-url: http://file\nbootstrap: [/ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2]\nworkers: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want settings
	}{
		{"defaults", []string{"show"}, nil, settings{RPC: "http://default", Workers: 1}},
		{"file", []string{"show", "--config", cfg}, nil, settings{"http://file", []string{"/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2"}, 3}},
		{"file named by env", []string{"show"}, map[string]string{"TENDER_CONFIG": cfg}, settings{"http://file", []string{"/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2"}, 3}},
		{"env beats file", []string{"show", "--config", cfg}, map[string]string{"TENDER_RPC_URL": "http://env", "TENDER_WORKERS": "5"},
			settings{"http://env", []string{"/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2"}, 5}},
		{"flag beats env and file", []string{"show", "--config", cfg, "--rpc-url", "http://flag"}, map[string]string{"TENDER_RPC_URL": "http://env"},
			settings{"http://flag", []string{"/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2"}, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got settings
			var out bytes.Buffer
			env := &Env{Stdout: &out, Stderr: &out, getenv: func(k string) string { return c.env[k] }}
			if code := run(testRoot(env, &got), c.args, &out); code != 0 {
				t.Fatalf("exit %d: %s", code, out.String())
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.yaml")
	os.WriteFile(typo, []byte("rpc-ulr: http://x\n"), 0o600)
	badYAML := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badYAML, []byte("rpc-url: [unclosed\n"), 0o600)
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"unknown command", []string{"shwo"}, nil, 2, `unknown command "shwo" for "tool"; did you mean show?`},
		{"unknown flag", []string{"show", "--nope"}, nil, 2, "unknown flag: --nope"},
		{"extra argument", []string{"show", "extra"}, nil, 2, `unknown command "extra"`},
		{"bad flag value", []string{"show", "--workers", "many"}, nil, 2, "invalid argument"},
		{"bad env value", []string{"show"}, map[string]string{"TENDER_WORKERS": "many"}, 1, `TENDER_WORKERS="many"`},
		{"typo in config file", []string{"show", "--config", typo}, nil, 1, `unknown setting "rpc-ulr"`},
		{"broken config file", []string{"show", "--config", badYAML}, nil, 1, "bad.yaml"},
		{"missing config file", []string{"show", "--config", filepath.Join(dir, "none.yaml")}, nil, 1, "none.yaml"},
		{"bad log level", []string{"show", "--log-level", "loud"}, nil, 1, `--log-level "loud"`},
		{"bad log format", []string{"show", "--log-format", "xml"}, nil, 1, `--log-format "xml"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got settings
			var out bytes.Buffer
			env := &Env{Stdout: &out, Stderr: &out, getenv: func(k string) string { return c.env[k] }}
			code := run(testRoot(env, &got), c.args, &out)
			if code != c.code || !strings.Contains(out.String(), c.want) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, out.String(), c.code, c.want)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"version"}, "tool dev"},
		{[]string{"version", "-o", "json"}, `"name": "tool"`},
		{[]string{"--version"}, "tool dev"},
		{[]string{"--help"}, "show"},
		{nil, "Available Commands"},
	} {
		var out bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &out}
		if code := run(testRoot(env, &settings{}), c.args, &out); code != 0 || !strings.Contains(out.String(), c.want) {
			t.Errorf("%v: exit %d, output %q; want 0 and %q", c.args, code, out.String(), c.want)
		}
	}
}

func TestLoggerLevels(t *testing.T) {
	var out bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &out}
	if code := run(testRoot(env, &settings{}), []string{"show", "--log-level", "debug", "--log-format", "json"}, &out); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if !strings.Contains(out.String(), `"msg":"shown"`) || !strings.Contains(out.String(), `"cmd":"tool"`) {
		t.Errorf("debug JSON log missing: %q", out.String())
	}
}

// TestKeepNodeIn: a long-running node keeps its identity and known peers
// in its directory unless --identity-file names another file, or is given
// empty for a new identity each run.
func TestKeepNodeIn(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "/work/node.key"},
		{[]string{"--identity-file", "/keys/a.key"}, "/keys/a.key"},
		{[]string{"--identity-file="}, ""},
	} {
		var s connect.Settings
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		AddMarketFlags(fs, &s, nil)
		KeepNodeIn("--work-dir").Document(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		KeepNodeIn("--work-dir").Apply(fs, &s, "/work")
		if s.IdentityFile != tt.want || s.PeersFile != "/work/peers" {
			t.Errorf("%q: identity %q, peers %q; want %q, /work/peers", tt.args, s.IdentityFile, s.PeersFile, tt.want)
		}
		if u := fs.Lookup("identity-file").Usage; !strings.Contains(u, "node.key in --work-dir") {
			t.Errorf("--identity-file's help does not say where it is kept: %s", u)
		}
	}
}

// TestExitStatusPassedOn: a command that ran something for the user ends
// with its status, and prints no error of its own.
func TestExitStatusPassedOn(t *testing.T) {
	newRoot := func(env *Env) *cobra.Command {
		root := NewRoot("tool", "a tool", "a tool for tests", env)
		root.AddCommand(&cobra.Command{Use: "run", RunE: func(*cobra.Command, []string) error { return ExitStatus(3) }})
		return root
	}
	var stdout, stderr bytes.Buffer
	if code := Main(newRoot, []string{"run"}, &stdout, &stderr); code != 3 || stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 3 and nothing", code, stderr.String())
	}
}

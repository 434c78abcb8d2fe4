// Package cli is what Tender's three commands (provider, tenant, broker)
// share: a cobra root with logging flags, configuration layered from flags,
// environment and a YAML file, a version command, and one way to exit.
//
// Every flag --some-name can also be set by the environment variable
// TENDER_SOME_NAME or by the key some-name in the file named by --config
// (or TENDER_CONFIG). A flag on the command line wins over the environment,
// which wins over the file, which wins over the default.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// EnvPrefix starts the environment variable of every flag.
const EnvPrefix = "TENDER_"

// Env is what a command needs from its process: where to write, how to log.
// The root command fills it in before any subcommand runs.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Logger *slog.Logger

	logLevel  string
	logFormat string
	config    string
	getenv    func(string) string
}

// NewRoot returns the root command of a Tender binary with the global flags
// (--config, --log-level, --log-format) and a version command. Subcommands
// are added by the caller and reach the logger through env.
func NewRoot(name, short, long string, env *Env) *cobra.Command {
	if env.getenv == nil {
		env.getenv = os.Getenv
	}
	root := &cobra.Command{
		Use:           name,
		Short:         short,
		Long:          long,
		Version:       Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyConfig(cmd, env.config, env.getenv); err != nil {
				return err
			}
			logger, err := NewLogger(env.Stderr, env.logLevel, env.logFormat)
			if err != nil {
				return err
			}
			env.Logger = logger.With("cmd", name)
			return nil
		},
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetVersionTemplate(name + " {{.Version}}\n")
	root.CompletionOptions.HiddenDefaultCmd = true
	pf := root.PersistentFlags()
	pf.StringVar(&env.config, "config", "", "YAML file of settings: keys are flag names (env "+EnvPrefix+"CONFIG)")
	pf.StringVar(&env.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	pf.StringVar(&env.logFormat, "log-format", "text", "log format: text or json")
	root.AddCommand(newVersionCommand(name, env))
	return root
}

// Main builds a binary's root command with newRoot, runs it with args until
// it finishes or the process is interrupted, prints an error once, and
// returns the exit code: 0 on success, 1 on failure, 2 on a usage error.
// A binary's main is os.Exit(cli.Main(newRoot, os.Args[1:], os.Stdout, os.Stderr)).
func Main(newRoot func(*Env) *cobra.Command, args []string, stdout, stderr io.Writer) int {
	return run(newRoot(&Env{Stdout: stdout, Stderr: stderr}), args, stderr)
}

func run(root *cobra.Command, args []string, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root.SetArgs(args)
	markUsageErrors(root)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var status ExitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	fmt.Fprintf(stderr, "%s: %v\n", root.Name(), err)
	if errors.As(err, new(usageError)) {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", root.CommandPath())
		return 2
	}
	return 1
}

// ExitStatus ends a command with that exit status and no message: the
// status of something the command ran for the user, passed on.
type ExitStatus int

func (e ExitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// markUsageErrors makes flag and argument errors of every command usage
// errors, so Main can tell them from failures.
func markUsageErrors(c *cobra.Command) {
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	if c.HasSubCommands() && !c.Runnable() {
		// A group of commands: without a subcommand, help; with an unknown
		// one, a usage error (cobra would print help and succeed).
		c.RunE = func(cmd *cobra.Command, a []string) error {
			if len(a) == 0 {
				return cmd.Help()
			}
			msg := fmt.Sprintf("unknown command %q for %q", a[0], cmd.CommandPath())
			if cmd.SuggestionsMinimumDistance <= 0 {
				cmd.SuggestionsMinimumDistance = 2
			}
			if s := cmd.SuggestionsFor(a[0]); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return usageError{errors.New(msg)}
		}
	}
	args := c.Args
	if args == nil {
		args = cobra.ArbitraryArgs
	}
	c.Args = func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
	for _, sub := range c.Commands() {
		markUsageErrors(sub)
	}
}

type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// NewLogger returns a slog logger writing to w at level in format.
func NewLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// EnvName is the environment variable that sets the flag called name.
func EnvName(flag string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyConfig fills the flags of cmd that the command line left unset, from
// the environment, then from the config file.
func applyConfig(cmd *cobra.Command, file string, getenv func(string) string) error {
	if file == "" {
		file = getenv(EnvPrefix + "CONFIG")
	}
	settings, err := readConfig(file, cmd.Root())
	if err != nil {
		return err
	}
	var errs []error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "config" || f.Name == "help" {
			return
		}
		if v, ok := lookupEnv(getenv, EnvName(f.Name)); ok {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", EnvName(f.Name), v, err))
			}
			return
		}
		if v, ok := settings[f.Name]; ok {
			for _, s := range v {
				if err := f.Value.Set(s); err != nil {
					errs = append(errs, fmt.Errorf("config file %s: %s: %w", file, f.Name, err))
				}
			}
		}
	})
	return errors.Join(errs...)
}

// lookupEnv treats an empty variable as unset.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/network"
)

func newShellCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "shell LEASE [-- COMMAND [ARG...]]",
		Short: "Open a terminal in a lease's running job",
		Long: `shell runs a command (by default /bin/sh) on a terminal in the lease's
running job container, over an authenticated libp2p stream to its provider:
only the lease's tenant gets through. What you type reaches it, what it
shows comes back, and the terminal follows your window's size. It runs
confined as the job is (its user, no capabilities, no new privileges); an
image without a shell has none to run, so name one of its programs. shell
exits with the command's status. A provider may refuse commands altogether
(provider run --no-exec).

When standard input is a terminal it is put in raw mode for the session
(keys such as Ctrl-C go to the job's terminal) and restored after;
otherwise what standard input holds is typed, on an 80x24 terminal.

` + leaseHelp + `; the provider's peer and addresses come from the record,
or from --provider-peer.

` + cli.SettingsHelp(),
		Example: `  tenant shell 0x3f6c...e1 --deployment .devnet/deployment.json --dev-account 1
  tenant shell 0x3f6c...e1 -- /bin/bash -l
  echo 'nvidia-smi; exit' | tenant shell 0x3f6c...e1`,
		Args: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if len(args) < 1 || dash > 1 || dash == -1 && len(args) != 1 || dash == 1 && len(args) < 2 {
				return errors.New("want the lease, then optionally -- and the command: tenant shell LEASE [-- COMMAND [ARG...]]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			command := []string{"/bin/sh"}
			if len(args) > 1 {
				command = args[1:]
			}
			ctx := cmd.Context()
			ss, err := open(ctx, env, &s, args[0], true)
			if err != nil {
				return err
			}
			defer ss.close()
			in := cmd.InOrStdin()
			term, err := openTerminal(in)
			if err != nil {
				return fmt.Errorf("put the terminal in raw mode: %w", err)
			}
			defer term.restore()
			code, err := ss.tenant.Shell(ctx, ss.lease, command, term.size(), in, env.Stdout, term.resizes(ctx))
			term.restore()
			return commandStatus(code, err)
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().Lookup("output").Usage = "unused: the terminal's output is shown as it comes"
	return cmd
}

// defaultTermSize is the terminal of a shell whose input is not one.
var defaultTermSize = network.TermSize{Cols: 80, Rows: 24}

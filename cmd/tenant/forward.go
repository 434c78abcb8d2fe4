package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tender-market/tender/internal/cli"
	"github.com/tender-market/tender/pkg/tenant"
)

func newForwardCommand(env *cli.Env) *cobra.Command {
	var s leaseSettings
	cmd := &cobra.Command{
		Use:   "forward LEASE [LOCAL:]PORT...",
		Short: "Reach a service lease's ports from this machine",
		Long: `forward listens on 127.0.0.1:LOCAL (LOCAL defaults to PORT; 0 takes a free
port) and carries every connection it accepts to the job's PORT, each over
an authenticated libp2p stream to the lease's provider: only the lease's
tenant gets through, and the provider opens no port to anyone. The job's
order must expose PORT (expose in job.yaml). It runs until interrupted or
until the job ends; the provider may cap how many connections a lease has
open at once and close one that carries nothing for long.

` + leaseHelp + `; the provider's peer and addresses come from the record,
or from --provider-peer.

` + cli.SettingsHelp(),
		Example: `  tenant forward 0x3f6c...e1 8000 --deployment .devnet/deployment.json --dev-account 1
  curl http://127.0.0.1:8000/healthz
  tenant forward 0x3f6c...e1 9000:8000 8888`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return errors.New("want the lease and at least one port: tenant forward LEASE [LOCAL:]PORT...")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			fwds, err := parseForwards(args[1:])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			ss, err := open(ctx, env, &s, args[0], true)
			if err != nil {
				return err
			}
			defer ss.close()
			err = ss.tenant.Forward(ctx, ss.lease, fwds, func(f tenant.PortForward, addr string) { printListening(env.Stdout, f, addr) },
				func(err error) { fmt.Fprintf(env.Stderr, "connection refused by the provider: %v\n", err) })
			if errors.Is(err, tenant.ErrJobEnded) {
				fmt.Fprintf(env.Stderr, "%v: forwarding stopped\n", err)
				return nil
			}
			return err
		},
	}
	s.addFlags(cmd.Flags(), true)
	cmd.Flags().Lookup("output").Usage = "unused: forward prints each local address as it listens"
	return cmd
}

// parseForwards reads the [LOCAL:]PORT arguments.
func parseForwards(args []string) ([]tenant.PortForward, error) {
	var fwds []tenant.PortForward
	for _, a := range args {
		f, err := tenant.ParsePortForward(a)
		if err != nil {
			return nil, err
		}
		fwds = append(fwds, f)
	}
	return fwds, nil
}

func printListening(w io.Writer, f tenant.PortForward, addr string) {
	fmt.Fprintf(w, "forwarding http://%s to the job's port %d\n", addr, f.Port)
}

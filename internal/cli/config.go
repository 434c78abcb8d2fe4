package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// readConfig reads a YAML config file into flag name -> values. Keys are flag
// names; a value is a scalar or a list (for repeatable flags). A key that is
// no flag of any command of root is an error, so typos do not pass silently.
func readConfig(path string, root *cobra.Command) (map[string][]string, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	known := flagNames(root)
	out := make(map[string][]string, len(raw))
	var errs []error
	for key, node := range raw {
		if !known[key] {
			errs = append(errs, fmt.Errorf("config file %s: unknown setting %q (settings are flag names, see --help)", path, key))
			continue
		}
		switch node.Kind {
		case yaml.ScalarNode:
			out[key] = []string{node.Value}
		case yaml.SequenceNode:
			for _, item := range node.Content {
				if item.Kind != yaml.ScalarNode {
					errs = append(errs, fmt.Errorf("config file %s: %s: line %d: want a plain value", path, key, item.Line))
					continue
				}
				out[key] = append(out[key], item.Value)
			}
		default:
			errs = append(errs, fmt.Errorf("config file %s: %s: line %d: want a value or a list of values", path, key, node.Line))
		}
	}
	return out, errors.Join(errs...)
}

// flagNames lists every flag of root and its subcommands.
func flagNames(root *cobra.Command) map[string]bool {
	names := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return names
}

// SettingsHelp is a paragraph for a command's long help that explains
// where settings come from.
func SettingsHelp() string {
	return strings.Join([]string{
		"Every flag can also be set by an environment variable (--rpc-url by",
		EnvPrefix + "RPC_URL) or by a key in the YAML file named by --config (rpc-url: ...).",
		"The command line wins over the environment, which wins over the file.",
	}, "\n")
}

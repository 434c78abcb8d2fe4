package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"
)

// Output is a command's --output format: text for people, json for
// programs.
type Output string

// Output formats.
const (
	OutputText Output = "text"
	OutputJSON Output = "json"
)

// AddOutputFlag registers -o/--output, text by default; any other value
// than text or json is a usage error.
func AddOutputFlag(fs *pflag.FlagSet, o *Output, usage string) {
	*o = OutputText
	if usage == "" {
		usage = "output format: text or json"
	}
	fs.VarP(o, "output", "o", usage)
}

func (o *Output) String() string { return string(*o) }

// Type names the flag's values in help.
func (o *Output) Type() string { return "text|json" }

// Set takes text or json.
func (o *Output) Set(v string) error {
	switch Output(v) {
	case OutputText, OutputJSON:
		*o = Output(v)
		return nil
	}
	return fmt.Errorf("%q: want text or json", v)
}

// JSON reports whether the format is json.
func (o Output) JSON() bool { return o == OutputJSON }

// WriteJSON writes v to w as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

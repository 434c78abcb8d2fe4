// Package migrations holds the broker's PostgreSQL schema as versioned SQL
// migrations (goose format: each file has an Up and a Down section). The
// files are embedded into the broker, which applies them at start; FS hands
// them to the migration runner.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed *.sql
var files embed.FS

// FS returns the migration files, named NNNNN_description.sql.
func FS() fs.FS { return files }

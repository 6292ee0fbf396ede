package store

import "io/fs"

// MigrationsFS exposes the embedded migrations to the external tests.
func MigrationsFS() fs.FS { return migrationsFS }

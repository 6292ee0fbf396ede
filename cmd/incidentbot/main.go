// Command incidentbot runs the incident bot: serve, console, demo, migrate
// and playbooks check. main only calls run, which tests call too.
package main

import (
	"context"
	"fmt"
	"os"
	_ "time/tzdata" // BOT_TIMEZONE works in images without a zoneinfo folder
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "incidentbot:", err)
		os.Exit(1)
	}
}
